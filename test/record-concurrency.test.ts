import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { ensureBuilt, runBuiltCli } from './helpers/built-cli.js';
import { makeOrg } from './helpers/org.js';

/**
 * Real `opsledger record` processes started at once: every one that says "recorded" (exit 0)
 * must find its outcome in the file afterwards, and a failure is never overwritten by a
 * concurrent success.
 */
const change = (n: number) => `apiVersion: opsledger/v1
kind: ChangeRequest
metadata: {name: ${id(n)}, title: Change ${n}}
spec:
  type: normal
  requester: mina-park
  services: [checkout-api]
  environment: production
  schedule: {start: "2026-12-02T01:00:00+09:00", end: "2026-12-02T02:00:00+09:00"}
  description: Change number ${n}.
status:
  phase: submitted
`;
const id = (n: number) => `CR-2026-${String(100 + n).padStart(4, '0')}`;

const recordAsync = (root: string, args: string[]) => runBuiltCli(['record', ...args, '--root', root, '--format', 'json'], { cwd: root });

/** Each change's recorded result, from every file that holds changes. */
function outcomes(root: string, files: readonly string[]): Map<string, string | undefined> {
  const out = new Map<string, string | undefined>();
  for (const f of files) {
    for (const d of parseAllDocuments(readFileSync(join(root, f), 'utf8'))) {
      const v = d.toJS() as { metadata: { name: string }; status?: { outcome?: { result?: string } } };
      out.set(v.metadata.name, v.status?.outcome?.result);
    }
  }
  return out;
}

const N = 8;
const ROUNDS = 2;
const RESULTS = ['successful', 'failed', 'rolled-back', 'partial'] as const;

const LAYOUTS: [string, () => { files: Record<string, string>; holding: string[] }][] = [
  ['eight changes in one multi-document file', () => ({ files: { 'changes/batch.yaml': Array.from({ length: N }, (_, i) => change(i)).join('---\n') }, holding: ['changes/batch.yaml'] })],
  [
    'eight changes in eight files',
    () => {
      const files = Object.fromEntries(Array.from({ length: N }, (_, i) => [`changes/${id(i)}.yaml`, change(i)]));
      return { files, holding: Object.keys(files) };
    },
  ],
];

describe('concurrent record processes', () => {
  beforeAll(() => ensureBuilt('dist/cli/main.js'), 300_000);

  it.each(LAYOUTS)('%s: every process that says recorded finds its outcome in the file', async (_name, layout) => {
    for (let round = 0; round < ROUNDS; round++) {
      const { files, holding } = layout();
      const root = makeOrg(files);
      const runs = await Promise.all(Array.from({ length: N }, (_, i) => recordAsync(root, [id(i), '--result', RESULTS[i % RESULTS.length]!, '--implemented-at', '2026-12-02T01:10:00+09:00'])));
      const found = outcomes(root, holding);
      for (let i = 0; i < N; i++) {
        const r = runs[i]!;
        expect([0, 1], r.stderr).toContain(r.code);
        if (r.code === 0) expect(found.get(id(i)), `${id(i)} said recorded`).toBe(RESULTS[i % RESULTS.length]);
      }
      // The lock makes them queue rather than fail: all of them land.
      expect(runs.map((r) => r.code)).toEqual(Array(N).fill(0));
    }
  }, 240_000);

  it('a failure recorded at the same moment as a success is never overwritten by it', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const root = makeOrg({ 'changes/CR-2026-0100.yaml': change(0) });
      const runs = await Promise.all([
        ...Array.from({ length: 3 }, () => recordAsync(root, [id(0), '--result', 'successful', '--implemented-at', '2026-12-02T01:10:00+09:00'])),
        recordAsync(root, [id(0), '--result', 'failed', '--implemented-at', '2026-12-02T01:10:00+09:00']),
      ]);
      const failed = runs[3]!;
      expect(failed.code, failed.stderr).toBe(0);
      expect(outcomes(root, ['changes/CR-2026-0100.yaml']).get(id(0))).toBe('failed');
      // A success that came after the failure was refused, with its code, exit 1.
      for (const r of runs.slice(0, 3)) {
        expect([0, 1]).toContain(r.code);
        if (r.code === 1) expect((JSON.parse(r.stdout) as { refusals: { code: string }[] }).refusals.map((x) => x.code)).toContain('record.rewrite-failure');
      }
    }
  }, 240_000);
});
