import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { Incident } from '../../src/core/model.js';
import { leaves, type ImportReport } from '../../src/import/report.js';
import { cli, makeOrg, PROJECT_ROOT, validateJson } from '../helpers/org.js';

const FIXTURE = join(PROJECT_ROOT, 'test', 'fixtures', 'statuspage');
const INCIDENTS = join(FIXTURE, 'incidents.json');
const MAP = join(FIXTURE, 'mapping.yaml');
const SOURCE = JSON.parse(readFileSync(INCIDENTS, 'utf8')) as { incidents: Record<string, unknown>[] };

type Report = ImportReport & { written: boolean };
async function importJson(root: string, extra: string[] = [], file = INCIDENTS): Promise<{ code: number; report: Report; stderr: string }> {
  const r = await cli(['import', 'statuspage', file, '--root', root, '--format', 'json', ...extra], root);
  return { code: r.code, report: r.stdout ? (JSON.parse(r.stdout) as Report) : ({} as Report), stderr: r.stderr };
}
const byId = (report: Report) => new Map(report.entities.map((e) => [e.ref.replace('statuspage incident ', ''), e]));
const incident = (root: string, id: string) => parse(readFileSync(join(root, 'incidents', `${id}.yaml`), 'utf8')) as Incident;

describe('opsledger import statuspage', () => {
  it('writes incidents where validate reads them, and the organisation validates', async () => {
    const root = makeOrg();
    const { code, report } = await importJson(root, ['--map', MAP]);
    expect(code).toBe(0);
    expect(report.files.map((f) => f.path)).toEqual(['incidents/INC-2026-0001.yaml', 'incidents/INC-2026-0002.yaml', 'incidents/INC-2026-0003.yaml']);
    const v = await validateJson(root);
    // Valid: no errors. Imported incidents have no review yet, so follow-ups past due are warnings.
    expect(v.report.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(v.report.diagnostics.every((d) => d.code === 'incident.review-overdue')).toBe(true);
    expect(v.code).toBe(0);
  });

  it('maps status, times, components and updates, oldest update first', async () => {
    const root = makeOrg();
    await importJson(root, ['--map', MAP]);
    const doc = incident(root, 'INC-2026-0002');
    expect(doc.metadata.annotations).toEqual({ 'statuspage.io/incident-id': 'b5t9w2e7r4ux' });
    expect(doc.spec).toMatchObject({
      severity: 'sev2',
      status: 'resolved',
      startedAt: '2026-10-14T19:40:00.000+09:00',
      detectedAt: '2026-10-14T19:52:31.204+09:00',
      mitigatedAt: '2026-10-14T20:35:48.019+09:00',
      resolvedAt: '2026-10-14T21:10:02.760+09:00',
      // Checkout through the mapping file, Cart by the service's title.
      services: ['checkout-api', 'cart'],
    });
    expect(doc.spec.timeline!.map((e) => e.text.slice(0, e.text.indexOf(']') + 1))).toEqual(['[investigating]', '[identified]', '[monitoring]', '[resolved]']);
    expect(incident(root, 'INC-2026-0003').spec.status).toBe('resolved');
  });

  it('reports every loss: each field of each incident is used, dropped or changed, with its reason', async () => {
    const { report } = await importJson(makeOrg(), ['--map', MAP]);
    SOURCE.incidents.forEach((raw, i) => {
      const e = report.entities.find((x) => x.source.endsWith(`/incidents/${i}`))!;
      const covered = [...e.used, ...e.dropped.map((d) => d.pointer), ...e.changed.map((c) => c.pointer)];
      const silent = leaves(raw, '').filter((leaf) => !covered.some((p) => leaf === p || leaf.startsWith(`${p}/`)));
      expect({ incident: raw.id, silent }).toEqual({ incident: raw.id, silent: [] });
    });
    const sp = byId(report);
    expect(sp.get('r2e8w4q6t1ii')!.dropped).toEqual(expect.arrayContaining([
      expect.objectContaining({ pointer: '/components/0', code: 'statuspage.component-unmapped' }),
      expect.objectContaining({ pointer: '/incident_updates/1', code: 'statuspage.update-empty' }),
    ]));
    expect(sp.get('r2e8w4q6t1ii')!.changed.map((c) => c.code)).toEqual(['statuspage.postmortem']);
    expect([sp.get('s1d5f9g3h7jj')!.result, sp.get('s1d5f9g3h7jj')!.code]).toEqual(['dropped', 'statuspage.maintenance']);
    // Defaults a person should check: severities from the default table, start taken from when it was opened.
    expect(report.review.map((r) => `${r.target} ${r.code}`).sort()).toEqual([
      'incident:INC-2026-0001 review.severity-default',
      'incident:INC-2026-0003 review.mitigated-is-resolved',
      'incident:INC-2026-0003 review.severity-default',
      'incident:INC-2026-0003 review.start-is-opened',
    ]);
  });

  it.each([
    // The minimal organisation's policy defines sev1..sev3: a default sev4 becomes sev3 and is listed.
    [[], { '7hd3m0qsy2lk': 'sev3', b5t9w2e7r4ux: 'sev2', r2e8w4q6t1ii: 'sev3' }, []],
    [['--severity', 'minor=sev1,none=sev2'], { '7hd3m0qsy2lk': 'sev1', b5t9w2e7r4ux: 'sev2', r2e8w4q6t1ii: 'sev2' }, []],
    // A severity the user gives and the policy lacks is not guessed at: that incident is dropped.
    [['--severity', 'none=sev4'], { '7hd3m0qsy2lk': 'sev3', b5t9w2e7r4ux: 'sev2' }, ['r2e8w4q6t1ii']],
  ])('maps impact to severity with %j', async (flags, expected, dropped) => {
    const root = makeOrg();
    const { report } = await importJson(root, ['--map', MAP, ...flags]);
    const sp = byId(report);
    const got = Object.fromEntries([...sp].filter(([, e]) => e.result === 'mapped').map(([id, e]) => [id, incident(root, e.to[0]!.slice('incident:'.length)).spec.severity]));
    expect(got).toEqual(expected);
    for (const id of dropped) expect(sp.get(id)!.code).toBe('incident.unknown-severity');
  });

  it('imports each Statuspage incident once: a second run adds nothing and exits 1', async () => {
    const root = makeOrg();
    expect((await importJson(root, ['--map', MAP])).code).toBe(0);
    const again = await importJson(root, ['--map', MAP]);
    expect(again.code).toBe(1);
    expect(again.report.files).toEqual([]);
    expect(again.report.entities.filter((e) => e.code === 'entity.exists')).toHaveLength(3);
    expect(readdirSync(join(root, 'incidents'))).toHaveLength(3);
  });

  it('numbers incidents after those the organisation has', async () => {
    const root = makeOrg({ 'incidents/INC-2026-0040.yaml': 'broken: [\n' });
    const { report } = await importJson(root, ['--map', MAP, '--dry-run']);
    expect(report.files.map((f) => f.name)).toEqual(['INC-2026-0041', 'INC-2026-0042', 'INC-2026-0043']);
    expect(existsSync(join(root, 'incidents', 'INC-2026-0041.yaml'))).toBe(false);
  });

  it('exits 1 and writes nothing when every incident is dropped', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'opsledger-sp-'));
    const only = join(dir, 'maintenance.json');
    writeFileSync(only, JSON.stringify({ incidents: [SOURCE.incidents[3]] }));
    const root = makeOrg();
    const r = await importJson(root, [], only);
    expect(r.code).toBe(1);
    expect(existsSync(join(root, 'incidents'))).toBe(false);
  });

  it.each([
    [['--severity', 'huge=sev1']],
    [['--severity', 'critical=sev9']],
    [['--severity', 'critical']],
    [['--map', join(FIXTURE, 'README.md')]],
    [['--map', join(FIXTURE, 'missing.yaml')]],
  ])('%j is a usage error (exit 2), before anything is written', async (flags) => {
    const root = makeOrg();
    const r = await cli(['import', 'statuspage', INCIDENTS, '--root', root, ...flags], root);
    expect(r.code).toBe(2);
    expect(existsSync(join(root, 'incidents'))).toBe(false);
  });

  it('refuses --map for another importer', async () => {
    expect((await cli(['import', 'openslo', INCIDENTS, '--map', MAP, '--root', makeOrg()])).code).toBe(2);
  });

  it('reports a file that is not JSON or YAML with its line, and exits 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'opsledger-sp-'));
    writeFileSync(join(dir, 'bad.json'), '{"incidents": [\n  {"id": "x",\n}');
    const r = await importJson(makeOrg(), [], join(dir, 'bad.json'));
    expect(r.code).toBe(1);
    expect(r.report.problems[0]).toMatchObject({ line: expect.any(Number), column: expect.any(Number) });
  });
});
