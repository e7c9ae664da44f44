import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from '../helpers/built-cli.js';
import { makeOrg, PROJECT_ROOT } from '../helpers/org.js';
import { INCIDENT, SERVICE, TEAM } from '../helpers/cache-documents.js';

/**
 * When an edit changes records, the cross-document rules run again, but a finding in a file
 * whose bytes did not change keeps the position the last run placed it at: placing reads and
 * parses the file again (with the precise parser, before the fast reader kept spans, a third of
 * such a run at 22k files, most of it incidents' deadlines). The positions must move with the
 * lines of a file that changed in the same run, and the placing module must load only when
 * something is left to place.
 */
// A reference that dangles in a file no edit below touches: a cross-document finding to keep placed.
const DANGLING = `apiVersion: opsledger/v1\nkind: Service\nmetadata:\n  name: ledger-api\n  title: Ledger\nspec:\n  owner: nobody-at-all\n  tier: 3\n  exposure: internal\n  lifecycle: production\n`;
const START: Record<string, string> = {
  'teams/payments.yaml': TEAM('payments'),
  'teams/treasury.yaml': TEAM('treasury'),
  'services/payments/service.yaml': SERVICE('payments'),
  'services/ledger/service.yaml': DANGLING,
  'incidents/INC-2026-0001.yaml': INCIDENT,
};
// Past every deadline, so the incident's follow-ups are printed with their positions.
const AT = ['--at', '2030-01-01T00:00:00Z'];

describe('findings placed by the last run keep their positions when records change elsewhere', () => {
  const dir = mkdtempSync(join(tmpdir(), 'opsledger-placing-'));
  let root: string;
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  let logs = 0;
  function run(...extra: string[]): { stdout: string; code: number | null; placing: boolean } {
    const log = join(dir, `run-${logs++}.log`);
    const r = spawnSync(process.execPath, ['--import', join(PROJECT_ROOT, 'test', 'cli', 'import-log.mjs'), join(PROJECT_ROOT, 'bin', 'opsledger.js'), 'validate', '--root', root, '--format', 'json', ...AT, ...extra], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', OPSLEDGER_IMPORT_LOG: log, OPSLEDGER_NO_BUNDLE: '1' },
      encoding: 'utf8',
    });
    expect(r.stderr).toBe('');
    const urls = readFileSync(log, 'utf8').split('\n');
    // The module that places findings with the precise parser, imported only when something is left to place.
    return { stdout: r.stdout, code: r.status, placing: urls.some((u) => u.endsWith('/core/place-findings.js')) };
  }
  const settle = () => new Promise((r) => setTimeout(r, 2200));

  beforeAll(async () => {
    ensureBuilt();
    root = makeOrg(START);
    // Files younger than two seconds at a run's start are never trusted: age them, fill the cache.
    await settle();
    expect(run().placing).toBe(true);
    await settle();
  }, 60_000);

  it.each<[string, Record<string, string>, boolean]>([
    // Records change in a file that holds no finding: every finding is where it was, nothing is parsed to place it.
    ['an owner moved to another team', { 'services/payments/service.yaml': SERVICE('treasury') }, false],
    // Records change, and in the same run the incident's lines move: its deadlines are placed again.
    ['an owner moved back while the incident gains two lines at the top', { 'services/payments/service.yaml': SERVICE('payments'), 'incidents/INC-2026-0001.yaml': `# moved\n\n${INCIDENT}` }, true],
    // Records change where a finding falls: that file's findings are placed again.
    ['the dangling service edited, still dangling, its lines moved', { 'services/ledger/service.yaml': `# moved\n${DANGLING.replace('tier: 3', 'tier: 2')}` }, true],
    // Only lines move (records as they were): the findings in that file are placed again, the others kept.
    ['the incident moved back up', { 'incidents/INC-2026-0001.yaml': INCIDENT }, true],
    // New findings in files that did not change (the owners left dangling) have no position yet.
    ['a team renamed, so owners elsewhere dangle', { 'teams/payments.yaml': TEAM('payables') }, true],
    ['the team named back: the findings left are all where they were', { 'teams/payments.yaml': TEAM('payments') }, false],
  ])('%s', async (_name, edits, parses) => {
    for (const [rel, text] of Object.entries(edits)) writeFileSync(join(root, rel), text);
    const cached = run();
    const cold = run('--no-cache');
    expect(cached.stdout).toBe(cold.stdout);
    expect(cached.code).toBe(cold.code);
    const report = JSON.parse(cached.stdout) as { diagnostics: { code: string; file: string }[] };
    // The kept findings are in the report: a deadline past due and the dangling owner.
    expect(report.diagnostics.map((d) => `${d.code} ${d.file}`)).toEqual(expect.arrayContaining(['incident.action-overdue incidents/INC-2026-0001.yaml', 'ref.unresolved services/ledger/service.yaml']));
    expect(cached.placing).toBe(parses);
    // The edited files were racily clean for that run: once aged and read again, nothing is placed at all.
    await settle();
    run();
    const warm = run();
    expect(warm.stdout).toBe(cold.stdout);
    expect(warm.placing).toBe(false);
  }, 60_000);
});
