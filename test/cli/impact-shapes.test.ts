import { describe, expect, it } from 'vitest';
import { ensureBuilt, runBuiltCli } from '../helpers/built-cli.js';
import { cli } from '../helpers/org.js';
import { chainEdges, shapeOrg, starEdges } from '../helpers/shape-org.js';

interface ImpactJson {
  targets: string[];
  dependents: { ref: string; distance: number; path: string[]; tier?: number }[];
  dependentsTotal?: number;
  services: number;
}

const rows = (r: ImpactJson) => r.dependents.map((d) => [d.ref, d.distance, d.path.join('>')]);

async function impactJson(root: string, ...args: string[]) {
  const r = await cli(['impact', 'service:root', '--format', 'json', '--root', root, ...args], root);
  expect(r.stderr.includes('internal error')).toBe(false);
  return { code: r.code, json: JSON.parse(r.stdout) as ImpactJson, stderr: r.stderr };
}

describe('impact JSON over shapes', () => {
  const cases: { name: string; edges: Record<string, string[]>; args: string[]; rows: [string, number, string][]; total?: number }[] = [
    {
      name: 'a chain: each row one further, its path the whole chain so far',
      edges: chainEdges(3),
      args: [],
      rows: [
        ['service:n000001', 1, 'service:root>service:n000001'],
        ['service:n000002', 2, 'service:root>service:n000001>service:n000002'],
        ['service:n000003', 3, 'service:root>service:n000001>service:n000002>service:n000003'],
      ],
    },
    {
      name: 'a star: every row one hop away, in id order',
      edges: starEdges(3),
      args: [],
      rows: [
        ['service:n000001', 1, 'service:root>service:n000001'],
        ['service:n000002', 1, 'service:root>service:n000002'],
        ['service:n000003', 1, 'service:root>service:n000003'],
      ],
    },
    {
      name: 'a diamond: the bottom is listed once, by the path through the first id',
      edges: { root: [], right: ['root'], left: ['root'], bottom: ['right', 'left'] },
      args: [],
      rows: [
        ['service:left', 1, 'service:root>service:left'],
        ['service:right', 1, 'service:root>service:right'],
        ['service:bottom', 2, 'service:root>service:left>service:bottom'],
      ],
    },
    {
      name: 'a chain cut at --limit 2: the nearest rows, and the total',
      edges: chainEdges(5),
      args: ['--limit', '2'],
      rows: [
        ['service:n000001', 1, 'service:root>service:n000001'],
        ['service:n000002', 2, 'service:root>service:n000001>service:n000002'],
      ],
      total: 5,
    },
    {
      name: 'a star cut at --limit 1',
      edges: starEdges(4),
      args: ['--limit', '1'],
      rows: [['service:n000001', 1, 'service:root>service:n000001']],
      total: 4,
    },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const { code, json, stderr } = await impactJson(shapeOrg(c.edges), ...c.args);
      expect(code).toBe(0);
      expect(json.targets).toEqual(['service:root']);
      expect(rows(json)).toEqual(c.rows);
      expect(json.dependentsTotal).toBe(c.total);
      // Every dependent is a service here: the count is over all of them, listed or not.
      expect(json.services).toBe(c.total ?? c.rows.length);
      if (c.total) expect(stderr).toContain(`listed the nearest ${c.rows.length} of ${c.total} dependents; --limit N lists more, --all lists every one`);
      else expect(stderr).toBe('');
    });
  }

  it('lists 1,000 rows by default, every one with --all, and says so in the text', async () => {
    const root = shapeOrg(starEdges(1200));
    const capped = await impactJson(root);
    expect([capped.json.dependents.length, capped.json.dependentsTotal, capped.json.services]).toEqual([1000, 1200, 1200]);
    const all = await impactJson(root, '--all');
    expect([all.json.dependents.length, all.json.dependentsTotal]).toEqual([1200, undefined]);
    const text = await cli(['impact', 'service:root', '--root', root, '--limit', '3'], root);
    expect(text.stdout.split('\n').slice(0, 1)).toEqual(['service:root: 1200 dependents (1200 services)']);
    expect(text.stdout).toContain('\nlisted the nearest 3 of 1200 dependents; --limit N lists more, --all lists every one\n');
  });

  it('refuses --limit with --all, and a limit that is not a positive whole number, as usage errors', async () => {
    const root = shapeOrg(starEdges(2));
    for (const args of [['--all', '--limit', '5'], ['--limit', '0'], ['--limit', 'many']]) {
      const r = await cli(['impact', 'service:root', '--root', root, ...args], root);
      expect([r.code, r.stdout]).toEqual([2, '']);
      expect(r.stderr).toMatch(/--limit|--all/);
    }
  });
});

describe('impact over a 20,000-node chain, as its own process', () => {
  it('finishes in a small heap, listing the nearest 1,000 with the total', async () => {
    ensureBuilt();
    const root = shapeOrg(chainEdges(20_000));
    // The walk keeps a predecessor per node; a path per node (200 million ids) would not fit in 256 MB.
    // Spawned without waiting synchronously: the output (13 MB) is more than spawnSync buffers.
    const r = await runBuiltCli(['impact', 'service:root', '--format', 'json', '--root', root], { cwd: root, env: { NODE_OPTIONS: '--max-old-space-size=256' } });
    expect(r.stderr).toContain('listed the nearest 1000 of 20000 dependents');
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout) as ImpactJson;
    expect([json.dependents.length, json.dependentsTotal]).toEqual([1000, 20_000]);
    expect(json.dependents.at(-1)!.path.length).toBe(1001);
  }, 300_000);
});
