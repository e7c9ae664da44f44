import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from '../helpers/built-cli.js';
import { makeOrg, PROJECT_ROOT } from '../helpers/org.js';
import { TEAM } from '../helpers/cache-documents.js';

/**
 * An edit that changes records checks again only the documents it can reach (crossAgain): the
 * edited ones and those whose check reads a name, or an API provided, that an edited document
 * defined before or defines now. Each edit below must give what an uncached run gives (codes,
 * pointers, lines and columns: the whole report), and the cache must say how the run came by
 * its cross-document findings: checked again where the edit reaches (and how many documents),
 * or over everything (an edit of the Policy or the dependency graph, or of the file list). A
 * run that quietly fell back to checking everything fails here.
 */
const LEDGER = (owner: string, more = '') =>
  `apiVersion: opsledger/v1\nkind: Service\nmetadata:\n  name: ledger\n  title: Ledger\nspec:\n  owner: ${owner}\n  tier: 2\n  exposure: internal\n  lifecycle: production\n${more}`;
const DUPLICATE_CART = `---\napiVersion: opsledger/v1\nkind: Service\nmetadata:\n  name: cart\n  title: Another cart\nspec:\n  owner: payments\n  tier: 3\n  exposure: internal\n  lifecycle: production\n`;
const CHANGE = (start: string) =>
  `apiVersion: opsledger/v1\nkind: ChangeRequest\nmetadata: {name: CR-2026-0001, title: Add checkout index}\nspec:\n  type: normal\n  requester: mina-park\n  services: [checkout-api]\n  configurationItems: [checkout-db]\n  environment: production\n  schedule: {start: "${start}", end: "2026-12-02T05:00:00+09:00"}\n  description: Add an index for order lookups.\nstatus:\n  phase: submitted\n`;
const INCIDENT = (due: string) => `apiVersion: opsledger/v1
kind: Incident
metadata: {name: INC-2026-0001, title: Checkout errors}
spec:
  severity: sev2
  status: resolved
  startedAt: "2026-12-02T03:00:00+09:00"
  detectedAt: "2026-12-02T03:05:00+09:00"
  mitigatedAt: "2026-12-02T03:30:00+09:00"
  resolvedAt: "2026-12-02T04:00:00+09:00"
  services: [checkout-api]
  causedBy: [CR-2026-0001]
  review:
    summary: A missing index
    actionItems:
      - {title: Add the index, owner: payments, due: "${due}", state: open}
`;
// A standard change outside its template (a database where the template covers certificates): a finding to keep.
const STANDARD = `apiVersion: opsledger/v1\nkind: ChangeRequest\nmetadata: {name: CR-2026-0002, title: Rotate}\nspec:\n  type: standard\n  template: cert-rotation\n  requester: mina-park\n  services: [checkout-api]\n  configurationItems: [checkout-db]\n  environment: production\n  schedule: {start: "2026-12-09T01:00:00+09:00", end: "2026-12-09T02:00:00+09:00"}\n  description: Rotate.\nstatus:\n  phase: submitted\n`;

const START: Record<string, string> = {
  'teams/payments.yaml': TEAM('payments'),
  'services/ledger/service.yaml': LEDGER('payments'),
  'changes/CR-2026-0001.yaml': CHANGE('2026-12-02T01:00:00+09:00'),
  'changes/CR-2026-0002.yaml': STANDARD,
  'incidents/INC-2026-0001.yaml': INCIDENT('2026-12-20'),
};
// Between the action item's two due dates below: one is past at this instant, the other not.
const AT = ['--at', '2026-12-21T12:00:00Z'];

type Run = { how: string; documents: number; why?: string };

describe('an edit that changes records checks again only what it reaches', () => {
  const dir = mkdtempSync(join(tmpdir(), 'opsledger-records-'));
  let root: string;
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
    if (root) rmSync(root, { recursive: true, force: true });
  });

  function run(...extra: string[]): { stdout: string; code: number | null } {
    const r = spawnSync(process.execPath, [join(PROJECT_ROOT, 'bin', 'opsledger.js'), 'validate', '--root', root, '--format', 'json', ...AT, ...extra], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', OPSLEDGER_NO_BUNDLE: '1' },
      encoding: 'utf8',
    });
    expect(r.stderr).toBe('');
    return { stdout: r.stdout, code: r.status };
  }
  const manifest = () => JSON.parse(readFileSync(join(root, '.opsledger-cache', 'manifest.json'), 'utf8')) as { cross: { run: Run }; table?: string };
  const lastRun = (): Run => manifest().cross.run;
  const settle = () => new Promise((r) => setTimeout(r, 2200));

  beforeAll(async () => {
    ensureBuilt();
    root = makeOrg(START);
    await settle();
    run();
    expect(lastRun().how).toBe('everything');
    // A run with no cache before it keeps no cross table (a cold run does not pay for edits
    // that may never come): the first edit that changes records checks everything and keeps one.
    expect(manifest().table).toBeUndefined();
    await settle();
    writeFileSync(join(root, 'services/ledger/service.yaml'), LEDGER('payments').replace('tier: 2', 'tier: 3'));
    run();
    expect(lastRun().how).toBe('everything');
    expect(manifest().table).toEqual(expect.any(String));
    writeFileSync(join(root, 'services/ledger/service.yaml'), LEDGER('payments'));
    await settle();
    run();
    expect(lastRun()).toEqual({ how: 'again', documents: 1 });
    await settle();
  }, 60_000);

  // [what, edits (undefined: delete the file), how the cross-document findings came, documents checked again, codes the report must hold]
  it.each<[string, Record<string, string | undefined>, Run, string[]]>([
    // The change's start moves past the incident's: the incident (unchanged) reads the change's name, so it is checked again.
    ['a field a rule reads: the change now starts after the incident', { 'changes/CR-2026-0001.yaml': CHANGE('2026-12-02T03:30:00+09:00') }, { how: 'again', documents: 2 }, ['incident.cause-after-start incidents/INC-2026-0001.yaml']],
    ['and back', { 'changes/CR-2026-0001.yaml': CHANGE('2026-12-02T01:00:00+09:00') }, { how: 'again', documents: 2 }, []],
    // The tier is a record no other document's rule reads: the service alone is checked again.
    ['a field no rule of another document reads: the tier', { 'services/ledger/service.yaml': LEDGER('payments').replace('tier: 2', 'tier: 1') }, { how: 'again', documents: 1 }, []],
    ['a dangling reference created', { 'services/ledger/service.yaml': LEDGER('nobody-yet') }, { how: 'again', documents: 1 }, ['ref.unresolved services/ledger/service.yaml']],
    // Healed by a name defined elsewhere: the service did not change, it reads the new name.
    ['healed by a team created in another file', { 'teams/payments.yaml': `${TEAM('payments')}---\n${TEAM('nobody-yet')}` }, { how: 'again', documents: 4 }, []],
    ['dangling again: the team removed from that file', { 'teams/payments.yaml': TEAM('payments') }, { how: 'again', documents: 3 }, ['ref.unresolved services/ledger/service.yaml']],
    ['healed in its own file', { 'services/ledger/service.yaml': LEDGER('payments') }, { how: 'again', documents: 1 }, []],
    // Renamed: the owner and the action item's owner, in files that did not change, now dangle.
    ['a team renamed', { 'teams/payments.yaml': TEAM('payables') }, { how: 'again', documents: 3 }, ['ref.unresolved services/ledger/service.yaml', 'ref.unresolved incidents/INC-2026-0001.yaml']],
    ['and named back', { 'teams/payments.yaml': TEAM('payments') }, { how: 'again', documents: 3 }, []],
    // A second service named cart: the duplicate is reported at the second, naming the first.
    ['a duplicate name', { 'services/ledger/service.yaml': LEDGER('payments') + DUPLICATE_CART }, { how: 'again', documents: 3 }, ['name.duplicate services/ledger/service.yaml']],
    ['the duplicate removed', { 'services/ledger/service.yaml': LEDGER('payments') }, { how: 'again', documents: 2 }, []],
    // The action item's due date moves across the run's instant: its follow-up deadline moves with it.
    ['an incident edited near a deadline: due later', { 'incidents/INC-2026-0001.yaml': INCIDENT('2026-12-22') }, { how: 'again', documents: 1 }, ['incident.review-overdue incidents/INC-2026-0001.yaml']],
    ['due earlier, so past due at --at', { 'incidents/INC-2026-0001.yaml': INCIDENT('2026-12-20') }, { how: 'again', documents: 1 }, ['incident.action-overdue incidents/INC-2026-0001.yaml']],
    // A file left with no record at all (it no longer parses): its earlier findings and deadlines go with it.
    ['the incident broken, so it has no record', { 'incidents/INC-2026-0001.yaml': `${INCIDENT('2026-12-20')}  causedBy: [\n` }, { how: 'again', documents: 0 }, ['yaml.syntax incidents/INC-2026-0001.yaml']],
    ['and mended', { 'incidents/INC-2026-0001.yaml': INCIDENT('2026-12-20') }, { how: 'again', documents: 1 }, ['incident.action-overdue incidents/INC-2026-0001.yaml']],
    // What every document reads, and the file list: checked over everything.
    ['a policy edit', { 'changes/policy.yaml': undefined }, { how: 'everything', documents: -1 }, []],
    ['a dependency edge removed', { 'services/checkout/service.yaml': readFileSync(join(PROJECT_ROOT, 'test', 'fixtures', 'minimal-org', 'services', 'checkout', 'service.yaml'), 'utf8').replace('    - ci:checkout-db\n', '') }, { how: 'everything', documents: -1, why: 'graph' }, []],
    ['a file deleted', { 'changes/CR-2026-0002.yaml': undefined }, { how: 'everything', documents: -1 }, []],
  ])('%s', async (_name, edits, expected, codes) => {
    for (const [rel, text] of Object.entries(edits)) {
      if (text === undefined) {
        if (rel === 'changes/policy.yaml') {
          const path = join(root, rel);
          writeFileSync(path, readFileSync(path, 'utf8').replace('sev3: {description: Limited impact}', 'sev3: {description: Limited impact, reviewWithin: 10d}'));
        } else unlinkSync(join(root, rel));
      } else writeFileSync(join(root, rel), text);
    }
    const cached = run();
    const how = lastRun();
    const cold = run('--no-cache');
    expect(cached.stdout).toBe(cold.stdout);
    expect(cached.code).toBe(cold.code);
    if (expected.how === 'everything') {
      expect(how.how).toBe('everything');
      if (expected.why) expect(how.why).toBe(expected.why);
    } else expect(how).toEqual(expected);
    const report = JSON.parse(cached.stdout) as { diagnostics: { code: string; file: string }[] };
    const found = report.diagnostics.map((d) => `${d.code} ${d.file}`);
    // What the edit made go away (the case's name says so): a code the report held before and must not now.
    if (/^(and back|healed|the duplicate removed|and named back|an incident edited near a deadline: due later)/.test(_name)) {
      expect(found).not.toEqual(expect.arrayContaining([{ 'and back': 'incident.cause-after-start incidents/INC-2026-0001.yaml', 'the duplicate removed': 'name.duplicate services/ledger/service.yaml', 'an incident edited near a deadline: due later': 'incident.action-overdue incidents/INC-2026-0001.yaml' }[_name] ?? 'ref.unresolved services/ledger/service.yaml']));
    }
    expect(found).toEqual(expect.arrayContaining([...codes, 'change.template-coverage changes/CR-2026-0002.yaml'].filter((c) => !(edits['changes/CR-2026-0002.yaml'] === undefined && c.includes('CR-2026-0002')))));
    await settle();
    // Aged, read again: the result stands.
    run();
    expect(run().stdout).toBe(cold.stdout);
  }, 60_000);
});
