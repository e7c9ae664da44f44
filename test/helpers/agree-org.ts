import type { DocumentOrigins } from '../../src/app/ports/git.js';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import type { Review, CommitIdentity } from '../../src/core/approvals.js';
import type { GitRepository } from '../../src/app/ports/git.js';
import type { GitHubApi } from '../../src/app/ports/github.js';
import { loadOrganisation, type LoadedOrganisation } from '../../src/app/load-organisation.js';
import { worktreeSource } from '../../src/adapters/fs/worktree-source.js';

/**
 * Small random organisations for the cross-command tests: three services in two teams, a CI
 * per service, a standard-change template for certificates, one change calendar, a policy whose
 * controls vary, one open change under test and a history of changes with outcomes. The git and
 * GitHub ports are answered in memory: the pull request that merged the change is approved by
 * every owner, so the gate's answer turns on the calendar, the schedule and the controls.
 */
export const T0 = Date.parse('2026-12-01T00:00:00Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
export const SUBJECT = 'CR-2026-0100';
export const SUBJECT_FILE = `changes/${SUBJECT}.yaml`;
const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

export type Type = 'normal' | 'standard' | 'emergency';
export type Result = 'successful' | 'failed' | 'rolled-back' | 'partial';

export interface WindowSpec {
  kind: 'freeze' | 'maintenance';
  /** Hours from the start of the change under test: windows fall around it. */
  start: number;
  hours: number;
  allow: Type[];
  scope?: { environments?: string[]; services?: string[] };
}

export interface Past {
  /** Hours before the subject's start. */
  before: number;
  env: 'production' | 'staging';
  services: string[];
  cis: string[];
  result: Result;
  cancelled: boolean;
}

/** An incident around the change under test (#20); only organisations that list incidents get them and the factor. */
export interface IncidentAround {
  severity: 'sev1' | 'sev2' | 'sev3' | 'sev4';
  services: string[];
  cis: string[];
  /** Hours from the subject's start (negative: before it). */
  start: number;
  /** Hours until resolved; undefined: still open. */
  hours?: number;
}

export interface OrgSpec {
  type: Type;
  services: string[];
  cis: string[];
  env: 'production' | 'staging';
  /** Hours from T0 and length in hours. */
  start: number;
  hours: number;
  windows: WindowSpec[];
  maintenanceFor: ('low' | 'medium' | 'high' | 'critical')[];
  templateMaxRisk: 'low' | 'medium' | 'high' | 'critical';
  templateEnvs?: string[];
  above: number;
  history: Past[];
  incidents?: IncidentAround[];
}

export const SERVICES = ['svc-a', 'svc-b', 'svc-c'];
export const CIS: Record<string, string> = { 'db-a': 'svc-a', 'cert-b': 'svc-b', 'cert-c': 'svc-c' };

function list(xs: readonly string[]): string {
  return `[${xs.join(', ')}]`;
}

function changeYaml(id: string, o: { type: Type; services: string[]; cis: string[]; env: string; start: number; end: number; phase: string; outcome?: { result: Result; at: number } }): string {
  return `apiVersion: opsledger/v1
kind: ChangeRequest
metadata: {name: ${id}, title: Change ${id}}
spec:
  type: ${o.type}
${o.type === 'standard' ? '  template: cert-rotation\n' : ''}  requester: mina-park
${o.services.length ? `  services: ${list(o.services)}\n` : ''}${o.cis.length ? `  configurationItems: ${list(o.cis)}\n` : ''}  environment: ${o.env}
  schedule: {start: "${iso(o.start)}", end: "${iso(o.end)}"}
  description: Change ${id}.
${o.type === 'emergency' ? '  justification: Outage.\n' : ''}  rollback: {steps: [Undo it]}
status:
  phase: ${o.phase}
${o.outcome ? `  outcome: {result: ${o.outcome.result}, implementedAt: "${iso(o.outcome.at)}"}\n` : ''}`;
}

export function subjectStart(spec: OrgSpec): number {
  return T0 + spec.start * HOUR;
}

export function orgFiles(spec: OrgSpec): Record<string, string> {
  const files: Record<string, string> = {};
  files['teams/teams.yaml'] = `apiVersion: opsledger/v1
kind: Team
metadata: {name: alpha}
spec: {members: [mina-park, alice]}
---
apiVersion: opsledger/v1
kind: Team
metadata: {name: beta}
spec: {members: [bob]}
---
apiVersion: opsledger/v1
kind: Team
metadata: {name: cab}
spec: {members: [carol]}
`;
  const tiers: Record<string, [number, string, string]> = { 'svc-a': [1, 'external', 'alpha'], 'svc-b': [2, 'company', 'alpha'], 'svc-c': [3, 'team', 'beta'] };
  files['services/services.yaml'] = Object.entries(tiers)
    .map(([name, [tier, exposure, owner]]) => `apiVersion: opsledger/v1\nkind: Service\nmetadata: {name: ${name}}\nspec: {owner: ${owner}, tier: ${tier}, exposure: ${exposure}, lifecycle: production}\n`)
    .join('---\n');
  files['services/cmdb.yaml'] = Object.entries(CIS)
    .map(([name, service]) => `apiVersion: opsledger/v1\nkind: ConfigurationItem\nmetadata: {name: ${name}}\nspec: {class: ${name.startsWith('db') ? 'database' : 'certificate'}, service: ${service}, environment: production}\n`)
    .join('---\n');
  const covers = [`ciClasses: [certificate]`, ...(spec.templateEnvs ? [`environments: ${list(spec.templateEnvs)}`] : [])].join(', ');
  files['changes/templates/cert-rotation.yaml'] = `apiVersion: opsledger/v1
kind: StandardChange
metadata: {name: cert-rotation, title: Rotate a certificate}
spec:
  covers: {${covers}}
  maxRisk: ${spec.templateMaxRisk}
`;
  const controls = (cls: string) => `{approvals: [{group: owner, count: 1}], rollback: plan${spec.maintenanceFor.includes(cls as never) ? ', maintenanceWindow: true' : ''}}`;
  files['changes/policy.yaml'] = `apiVersion: opsledger/v1
kind: Policy
metadata: {name: default}
spec:
  environments:
    - {name: production, production: true}
    - {name: staging}
  impact:
    matrix:
      external: [4, 4, 3, 2]
      company: [4, 3, 2, 2]
      department: [3, 2, 2, 1]
      team: [2, 2, 1, 1]
  likelihood:
    thresholds: [2, 4, 6]
    factors:
      changeType: {standard: 0, normal: 1, emergency: 3}
      environment: {production: 1}
      recentFailureRate: {points: 2, above: ${spec.above}, window: 30d}
${spec.incidents ? '      recentIncidents: {points: 2, within: 30d}\n' : ''}  risk:
    matrix:
      - [low, low, medium, medium]
      - [low, medium, medium, high]
      - [medium, medium, high, critical]
      - [medium, high, critical, critical]
  controls:
    low: ${controls('low')}
    medium: ${controls('medium')}
    high: ${controls('high')}
    critical: ${controls('critical')}
  groups: {cab: "team:cab", emergency: "team:cab"}
  emergency: {approvers: emergency, reviewWithin: 5d}
${spec.incidents ? '  incidents:\n    severities:\n' + ['sev1', 'sev2', 'sev3', 'sev4'].map((s) => `      ${s}: {description: ${s}}\n`).join('') : ''}`;
  const windows = spec.windows.map((w, i) => {
    const scope = w.scope ? `\n      scope: {${[w.scope.environments ? `environments: ${list(w.scope.environments)}` : '', w.scope.services ? `services: ${list(w.scope.services)}` : ''].filter(Boolean).join(', ')}}` : '';
    const allow = w.kind === 'freeze' && w.allow.length ? `\n      allow: ${list(w.allow)}` : '';
    return `    - name: w${i}-${w.kind}\n      kind: ${w.kind}\n      start: "${iso(subjectStart(spec) + w.start * HOUR)}"\n      end: "${iso(subjectStart(spec) + (w.start + w.hours) * HOUR)}"${scope}${allow}`;
  });
  files['changes/calendar.yaml'] = `apiVersion: opsledger/v1\nkind: ChangeCalendar\nmetadata: {name: production}\nspec:\n  windows:${windows.length ? '\n' + windows.join('\n') : ' []'}\n`;
  const start = subjectStart(spec);
  files[SUBJECT_FILE] = changeYaml(SUBJECT, { type: spec.type, services: spec.services, cis: spec.cis, env: spec.env, start, end: start + spec.hours * HOUR, phase: 'scheduled' });
  (spec.incidents ?? []).forEach((inc, i) => {
    const name = `INC-2026-${String(i + 1).padStart(4, '0')}`;
    const at = start + inc.start * HOUR;
    const end = inc.hours === undefined ? '' : `  mitigatedAt: "${iso(at + inc.hours * HOUR)}"\n  resolvedAt: "${iso(at + inc.hours * HOUR)}"\n`;
    files[`incidents/${name}.yaml`] = `apiVersion: opsledger/v1\nkind: Incident\nmetadata: {name: ${name}, title: Incident ${i + 1}}\nspec:\n  severity: ${inc.severity}\n  status: ${inc.hours === undefined ? 'investigating' : 'resolved'}\n  startedAt: "${iso(at)}"\n  detectedAt: "${iso(at)}"\n${end}${inc.services.length ? `  services: ${list(inc.services)}\n` : ''}${inc.cis.length ? `  configurationItems: ${list(inc.cis)}\n` : ''}`;
  });
  spec.history.forEach((p, i) => {
    const id = `CR-2026-${String(i + 1).padStart(4, '0')}`;
    const at = start - p.before * HOUR;
    files[`changes/${id}.yaml`] = changeYaml(id, { type: 'normal', services: p.services, cis: p.cis, env: p.env, start: at - HOUR, end: at + HOUR, phase: p.cancelled ? 'cancelled' : 'completed', outcome: { result: p.result, at } });
  });
  return files;
}

// Standard changes half the time, and templates that often cap them low: demotions are common.
const type = fc.constantFrom<Type>('normal', 'standard', 'standard', 'emergency');
const someServices = fc.subarray(SERVICES);
const someCis = fc.subarray(Object.keys(CIS));

export const orgSpec: fc.Arbitrary<OrgSpec> = fc
  .record({
    type,
    services: someServices,
    cis: someCis,
    env: fc.constantFrom<'production' | 'staging'>('production', 'production', 'staging'),
    start: fc.integer({ min: 0, max: 48 }),
    hours: fc.integer({ min: 1, max: 8 }),
    windows: fc.array(
      fc.record({
        kind: fc.constantFrom<'freeze' | 'maintenance'>('freeze', 'freeze', 'maintenance'),
        start: fc.integer({ min: -6, max: 9 }),
        hours: fc.integer({ min: 1, max: 6 }),
        allow: fc.subarray<Type>(['standard', 'emergency', 'normal']),
        scope: fc.option(fc.record({ environments: fc.option(fc.constant<string[]>(['production']), { nil: undefined }), services: fc.option(fc.subarray(SERVICES, { minLength: 1 }), { nil: undefined }) }, { requiredKeys: [] }), { nil: undefined }),
      }),
      { minLength: 1, maxLength: 3 },
    ),
    maintenanceFor: fc.subarray<'low' | 'medium' | 'high' | 'critical'>(['low', 'medium', 'high', 'critical']),
    templateMaxRisk: fc.constantFrom<'low' | 'medium' | 'high' | 'critical'>('low', 'low', 'medium', 'critical'),
    templateEnvs: fc.option(fc.constant<string[]>([]), { nil: undefined }),
    above: fc.constantFrom(0, 0.25, 0.5),
    history: fc.array(
      fc.record({
        before: fc.integer({ min: 1, max: 40 * 24 }),
        env: fc.constantFrom<'production' | 'staging'>('production', 'staging'),
        services: someServices,
        cis: someCis,
        result: fc.constantFrom<Result>('successful', 'failed', 'rolled-back', 'partial'),
        cancelled: fc.boolean(),
      }),
      { maxLength: 6 },
    ),
  })
  // Valid organisations only: a standard change names only what its template covers (certificates,
  // in its environment), and every change names a service or a CI.
  .map((s) => (s.type === 'standard' ? { ...s, cis: s.cis.filter((c) => c.startsWith('cert-')), ...(s.templateEnvs ? { templateEnvs: [s.env] } : {}) } : s))
  .filter((s) => s.services.length + s.cis.length > 0 && s.history.every((p) => p.services.length + p.cis.length > 0));

/** Incidents around the subject: from 40 days before its start to a day after, some still open. */
export const incidentsAround: fc.Arbitrary<IncidentAround[]> = fc.array(
  fc
    .record({
      severity: fc.constantFrom<IncidentAround['severity']>('sev1', 'sev2', 'sev3', 'sev4'),
      services: someServices,
      cis: someCis,
      start: fc.integer({ min: -40 * 24, max: 24 }),
      hours: fc.option(fc.integer({ min: 0, max: 15 * 24 }), { nil: undefined }),
    })
    .filter((i) => i.services.length + i.cis.length > 0),
  { maxLength: 4 },
);

export interface WrittenOrg {
  root: string;
  loaded: LoadedOrganisation;
  /** Where each change first appeared: committed ten days before T0. */
  firstAdded: DocumentOrigins;
  remove(): void;
}

export async function writeOrg(files: Record<string, string>): Promise<WrittenOrg> {
  const root = mkdtempSync(join(tmpdir(), 'opsledger-agree-'));
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), content);
  }
  const loaded = await loadOrganisation(worktreeSource(root), { threads: 1 });
  // Every command refuses an invalid organisation; agreement is only asked of valid ones.
  const errors = loaded.validation.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) throw new Error(`the generated organisation does not validate: ${errors.map((d) => `${d.file}:${d.line} ${d.code} ${d.message}`).join('; ')}`);
  const ids = [...loaded.org.changes.keys()];
  const firstAdded: DocumentOrigins = { shallow: false, byId: new Map(ids.map((id) => [id, { commit: 'base', at: T0 - 10 * DAY, workStartedAt: T0 - 10 * DAY }])) };
  return { root, loaded, firstAdded, remove: () => rmSync(root, { recursive: true, force: true }) };
}

const MERGED_AT = '2026-11-21T09:00:00Z';
const AUTHOR = { login: 'mina-park', email: 'mina@example.com' };

/** The git port, answered in memory: one commit `merge` on main whose parent is `base`, both holding the organisation. */
export function memoryGit(org: WrittenOrg): GitRepository {
  const unsupported = async (): Promise<never> => {
    throw new Error('not asked in these tests');
  };
  return {
    root: org.root,
    at: () => worktreeSource(org.root),
    resolveCommit: async (ref) => (ref === 'base' ? 'base' : 'merge'),
    changedFilesSince: unsupported,
    changedPathsBetween: async () => [SUBJECT_FILE],
    diffSizeBetween: async () => ({ files: 1, additions: 10, deletions: 0 }),
    diffSizeSince: unsupported,
    lastCommitTouching: async () => 'merge',
    firstParentLine: async () => [{ sha: 'merge', parents: ['base'], authorEmail: AUTHOR.email, authored: Date.parse(MERGED_AT) }],
    documentOrigins: async () => org.firstAdded,
    fileHistory: async () => undefined,
    repoPrefix: async () => '',
    mainlineHistory: unsupported,
    analyseBlobs: unsupported,
  };
}

/** The GitHub port, answered in memory: pull request #1 merged `merge`, approved on its head by every owner and the CAB. */
export function memoryGitHub(): GitHubApi {
  const unsupported = async (): Promise<never> => {
    throw new Error('not asked in these tests');
  };
  const reviews: Review[] = ['alice', 'bob', 'carol'].map((login, i) => ({ id: i + 1, login, state: 'APPROVED', commitId: 'head', submittedAt: MERGED_AT }));
  const commits: CommitIdentity[] = [{ sha: 'head', authorLogin: AUTHOR.login, committerLogin: AUTHOR.login, authorEmail: AUTHOR.email, committerEmail: AUTHOR.email, authorDate: MERGED_AT, message: 'Add the change' }];
  return {
    repoRef: { owner: 'acme', repo: 'org' },
    getRepository: async () => ({ fullName: 'acme/org', defaultBranch: 'main' }),
    getPullRequest: async (number) => ({ number, state: 'closed', author: AUTHOR.login, headSha: 'head', headRef: 'cr', baseSha: 'base', baseRef: 'main', mergedAt: MERGED_AT, mergeCommitSha: 'merge', commits: 1, url: 'https://github.example/acme/org/pull/1', draft: false }),
    listReviews: async () => reviews,
    listPullCommits: async () => commits,
    listPullsForCommit: async () => [{ number: 1, state: 'closed', mergedAt: MERGED_AT, baseRef: 'main' }],
    listTeamMembers: async () => [],
    listLabels: unsupported,
    removeLabel: unsupported,
    startCheckRun: unsupported,
    finishCheckRun: unsupported,
    publishCheckRun: unsupported,
    createCommitStatus: unsupported,
    upsertStickyComment: unsupported,
    addLabels: unsupported,
    requestReviewers: unsupported,
    reviewDeploymentProtectionRule: unsupported,
    listCheckRuns: unsupported,
    listDeployments: unsupported,
    listDeploymentStatuses: unsupported,
  };
}
