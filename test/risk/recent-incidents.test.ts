import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assessRisk, riskContextFor } from '../../src/app/assess-risk.js';
import { OrganisationsAtRefs } from '../../src/app/load-organisation.js';
import { reviewPullRequest } from '../../src/app/review-pull-request.js';
import { loadOrganisation } from '../../src/adapters/fs/load-organisation.js';
import { worktreeSource } from '../../src/adapters/fs/worktree-source.js';
import { activePolicy } from '../../src/core/organisation.js';
import { assessChange } from '../../src/core/risk/assess.js';
import { toThousandths } from '../../src/core/risk/points.js';
import { RECENT_INCIDENTS_DEFAULTS } from '../../src/core/risk/factors.js';
import { PROJECT_ROOT } from '../helpers/org.js';
import { reviewOrganisation } from '../../src/core/review-org.js';
import type { Phrase } from '../../src/core/phrase.js';
import type { RiskFactor } from '../../src/core/risk/types.js';
import { memoryGitHub } from '../helpers/agree-org.js';
import { makeOrg } from '../helpers/org.js';

/**
 * The recent-incident factor over the minimal organisation: checkout-api (owning checkout-db) and
 * cart, team checkout. The change under test is CR-2026-0001; the assessment is at NOW.
 */
const DAY = 86_400_000;
const NOW = Date.parse('2026-12-01T00:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
const ID = 'CR-2026-0001';

interface IncidentCase {
  severity?: string;
  services?: string[];
  cis?: string[];
  /** Days from NOW. */
  started: number;
  /** Days from NOW; absent: still open. */
  resolved?: number;
  causedBy?: string[];
}

interface Case {
  rule?: string;
  change?: { services?: string[]; cis?: string[]; start?: number };
  incidents: IncidentCase[];
}

const DEFAULT_RULE = '{points: 2.5}';

function files(c: Case): Record<string, string> {
  const change = c.change ?? {};
  const start = NOW + (change.start ?? 1) * DAY;
  const out: Record<string, string> = {
    [`changes/${ID}.yaml`]: `apiVersion: opsledger/v1
kind: ChangeRequest
metadata: {name: ${ID}, title: Add checkout index}
spec:
  type: normal
  requester: mina-park
${change.services ?? ['checkout-api'] ? `  services: [${(change.services ?? ['checkout-api']).join(', ')}]\n` : ''}${change.cis?.length ? `  configurationItems: [${change.cis.join(', ')}]\n` : ''}  environment: production
  schedule: {start: "${iso(start)}", end: "${iso(start + 3_600_000)}"}
  description: Add an index.
status:
  phase: submitted
`,
  };
  c.incidents.forEach((i, n) => {
    const name = `INC-2026-${String(n + 1).padStart(4, '0')}`;
    const resolved = i.resolved === undefined ? '' : `  mitigatedAt: "${iso(NOW + i.resolved * DAY)}"\n  resolvedAt: "${iso(NOW + i.resolved * DAY)}"\n`;
    out[`incidents/${name}.yaml`] = `apiVersion: opsledger/v1
kind: Incident
metadata: {name: ${name}, title: Incident ${n + 1}}
spec:
  severity: ${i.severity ?? 'sev1'}
  status: ${i.resolved === undefined ? 'investigating' : 'resolved'}
  startedAt: "${iso(NOW + i.started * DAY)}"
  detectedAt: "${iso(NOW + i.started * DAY)}"
${resolved}${i.services ? `  services: [${i.services.join(', ')}]\n` : ''}${i.cis ? `  configurationItems: [${i.cis.join(', ')}]\n` : ''}${i.causedBy ? `  causedBy: [${i.causedBy.join(', ')}]\n` : ''}`;
  });
  return out;
}

/** The minimal organisation with the case's files, its policy given the rule (none: no rule) and all four severities. */
function orgRoot(c: Case): string {
  const root = makeOrg(files(c));
  const path = join(root, 'changes', 'policy.yaml');
  let policy = readFileSync(path, 'utf8');
  const anchor = '      changeType: {standard: 0, normal: 1, emergency: 4}\n';
  expect(policy).toContain(anchor);
  const rule = c.rule === undefined ? DEFAULT_RULE : c.rule;
  if (rule) policy = policy.replace(anchor, `${anchor}      recentIncidents: ${rule}\n`);
  const sevs = '    severities:\n';
  expect(policy).toContain(sevs);
  policy = policy.replace(/ {6}sev\d: .*\n/g, '').replace(sevs, `${sevs}      sev1: {description: Down}\n      sev2: {description: Degraded}\n      sev3: {description: Limited}\n      sev4: {description: Internal}\n`);
  writeFileSync(path, policy);
  return root;
}

async function loaded(root: string) {
  const l = await loadOrganisation(root);
  expect(l.validation.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return l;
}

const NO_HISTORY = { shallow: false, byId: new Map() };
const incidentFactor = (factors: readonly RiskFactor[]) => factors.find((f) => f.code === 'recent-incidents');
/** The incident ids a factor's phrase names (its arguments, never its prose). */
const named = (f: RiskFactor | undefined) => ((f?.phrase?.args?.incidents ?? []) as Phrase[]).map((p) => p.args!.id);

async function factorOf(c: Case, now = NOW) {
  const l = await loaded(orgRoot(c));
  return incidentFactor(assessRisk(l, NO_HISTORY, { ids: [ID], now })[0]!.factors);
}

describe('the recent-incident factor', () => {
  it.each<[string, Case, string[]]>([
    ['a sev1 on the service the change names', { incidents: [{ services: ['checkout-api'], started: -10, resolved: -9 }] }, ['INC-2026-0001']],
    ['a sev2 on a CI the changed service owns', { incidents: [{ severity: 'sev2', cis: ['checkout-db'], started: -10, resolved: -9 }] }, ['INC-2026-0001']],
    ['a sev1 on the service that owns the only CI the change names', { change: { services: [], cis: ['checkout-db'] }, incidents: [{ services: ['checkout-api'], started: -10, resolved: -9 }] }, ['INC-2026-0001']],
    ['a sev1 on a CI no service owns, named by both', { change: { services: [], cis: ['k8s-prod'] }, incidents: [{ cis: ['k8s-prod'], started: -3, resolved: -2 }] }, ['INC-2026-0001']],
    ['a sev3, with the default severities', { incidents: [{ severity: 'sev3', services: ['checkout-api'], started: -10, resolved: -9 }] }, []],
    ['a sev3, when the policy counts sev3', { rule: '{points: 2.5, severities: [sev3]}', incidents: [{ severity: 'sev3', services: ['checkout-api'], started: -10, resolved: -9 }, { services: ['checkout-api'], started: -5, resolved: -4 }] }, ['INC-2026-0001']],
    ['a sev1 on another service', { incidents: [{ services: ['cart'], started: -10, resolved: -9 }] }, []],
    ['a sev1 resolved before the 30-day lookback', { incidents: [{ services: ['checkout-api'], started: -40, resolved: -32 }] }, []],
    ['a sev1 resolved 32 days ago, with a 60-day lookback', { rule: '{points: 2.5, within: 60d}', incidents: [{ services: ['checkout-api'], started: -40, resolved: -32 }] }, ['INC-2026-0001']],
    ['a sev1 that started before the lookback and is still open', { incidents: [{ services: ['checkout-api'], started: -45 }] }, ['INC-2026-0001']],
    ['a sev1 that started before the lookback and ended inside it', { incidents: [{ services: ['checkout-api'], started: -45, resolved: -20 }] }, ['INC-2026-0001']],
    ['the incident this change caused', { change: { start: -20 }, incidents: [{ services: ['checkout-api'], started: -19, resolved: -18, causedBy: [ID] }] }, []],
    ['several, sorted by id', { incidents: [{ services: ['checkout-api'], started: -3, resolved: -2 }, { severity: 'sev2', cis: ['checkout-db'], started: -12, resolved: -11 }, { severity: 'sev4', services: ['checkout-api'], started: -1, resolved: -1 }] }, ['INC-2026-0001', 'INC-2026-0002']],
    ['no rule in the policy', { rule: '', incidents: [{ services: ['checkout-api'], started: -10, resolved: -9 }] }, []],
  ])('%s', async (_name, c, expected) => {
    const f = await factorOf(c);
    expect(named(f)).toEqual(expected);
    if (expected.length) expect(toThousandths(f!.points)).toBe(2500);
    if (expected.length) expect(f!.phrase?.key).toBe('factor.recentIncidents');
  });

  // The requester writes the schedule; the lookback always covers the 30 days before now.
  it.each<[string, number, boolean]>([
    ['tomorrow', 1, true],
    ['in 90 days (the incident is 100 days before the start)', 90, true],
    ['40 days ago, a window still open (the incident is after the start)', -40, true],
    ['400 days ahead', 400, true],
  ])('a schedule starting %s cannot move a sev1 of 10 days ago out of the lookback', async (_name, start, counted) => {
    const f = await factorOf({ change: { start }, incidents: [{ services: ['checkout-api'], started: -10, resolved: -9 }] });
    expect(named(f)).toEqual(counted ? ['INC-2026-0001'] : []);
  });
});

it('the defaults the policy schema documents are the ones the factor applies', () => {
  const schema = JSON.parse(readFileSync(join(PROJECT_ROOT, 'schemas', 'v1', 'policy.schema.json'), 'utf8'));
  const rule = schema.properties.spec.properties.likelihood.properties.factors.properties.recentIncidents.properties;
  expect({ within: rule.within.default, severities: rule.severities.default }).toEqual(RECENT_INCIDENTS_DEFAULTS);
});

describe('a pull request cannot lower the factor', () => {
  const base: Case = { incidents: [{ services: ['checkout-api'], cis: ['checkout-db'], started: -10, resolved: -9 }] };
  const incidentFile = 'incidents/INC-2026-0001.yaml';

  // What the branch does to the incident the base holds (the base's copy always wins), and two more of the kind.
  it.each<[string, (text: string) => string | undefined]>([
    ['deletes it', () => undefined],
    ['downgrades it to sev4', (t) => t.replace('severity: sev1', 'severity: sev4')],
    ['moves it to another service', (t) => t.replace('services: [checkout-api]', 'services: [cart]').replace('  configurationItems: [checkout-db]\n', '')],
    ['names the change as its cause', (t) => `${t}  causedBy: [${ID}]\n`],
    ['backdates it out of the lookback', (t) => t.replaceAll(iso(NOW - 10 * DAY), iso(NOW - 50 * DAY)).replaceAll(iso(NOW - 9 * DAY), iso(NOW - 49 * DAY))],
  ])('a branch that %s still gets the factor, in the CAB as in the core', async (_name, edit) => {
    const baseRoot = orgRoot(base);
    const headRoot = orgRoot(base);
    const path = join(headRoot, incidentFile);
    const edited = edit(readFileSync(path, 'utf8'));
    if (edited === undefined) writeFileSync(path, '');
    else writeFileSync(path, edited);
    const [b, h] = [await loaded(baseRoot), await loadOrganisation(headRoot)];
    // The branch on its own would escape: that is what the base's copy prevents.
    expect(named(incidentFactor(assessRisk(h, NO_HISTORY, { ids: [ID], now: NOW })[0]!.factors))).toEqual([]);
    const policy = activePolicy(b.org)!.doc.spec;
    for (const prefer of ['base', 'head'] as const) {
      const report = assessChange(riskContextFor(reviewOrganisation(b.org, h.org, prefer), policy, NOW, undefined, undefined), ID);
      expect(named(incidentFactor(report.factors))).toEqual(['INC-2026-0001']);
    }
    // The CAB, through its use case, with git answering the base and head commits from the two folders.
    const git = {
      root: headRoot,
      at: (ref: string) => worktreeSource(ref === 'base' ? baseRoot : headRoot),
      resolveCommit: async (ref: string) => ref,
      changedPathsBetween: async () => [incidentFile],
      diffSizeBetween: async () => ({ files: 1, additions: 1, deletions: 1 }),
      documentOrigins: async () => NO_HISTORY,
    } as unknown as ConstructorParameters<typeof OrganisationsAtRefs>[0];
    const review = await reviewPullRequest({ refs: new OrganisationsAtRefs(git), api: memoryGitHub(), baseRef: 'base', headRef: 'head', author: 'mina-park', headSha: 'head', reviews: [], commits: [], now: NOW, changedPaths: [incidentFile, `changes/${ID}.yaml`] });
    const subject = review.subjects.find((s) => s.subject === ID);
    expect(named(incidentFactor(subject?.report?.factors ?? []))).toEqual(['INC-2026-0001']);
  });
});
