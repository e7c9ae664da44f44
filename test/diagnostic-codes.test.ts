import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CODES } from '../src/core/codes.js';
import { HOSTILE_CASES } from './hostile/cases.js';
import { makeOrg, validateJson } from './helpers/org.js';

const svc = (spec: string, name = 'ledger') => `apiVersion: opsledger/v1
kind: Service
metadata:
  name: ${name}
spec:
${spec}`;

const BASE_SPEC = '  owner: checkout\n  tier: 2\n  exposure: company\n  lifecycle: production\n';

const cr = (spec: string, status = '', name = 'CR-2026-0100') => `apiVersion: opsledger/v1
kind: ChangeRequest
metadata:
  name: ${name}
spec:
  requester: mina-park
  environment: production
${spec}${status}`;

const SCHEDULE = '  schedule: {start: "2026-12-02T01:00:00+09:00", end: "2026-12-02T02:00:00+09:00"}\n';

const calendar = (window: string) => `apiVersion: opsledger/v1
kind: ChangeCalendar
metadata: {name: extra}
spec:
  windows:
${window}`;

const INC = (spec: string) => `apiVersion: opsledger/v1
kind: Incident
metadata: {name: INC-2026-0001, title: Checkout errors}
spec:
${spec}`;

interface Row {
  files: Record<string, string>;
  /** The folder the organisation starts from; the minimal organisation unless given. */
  base?: string;
  file: string;
  line: number;
  column: number;
  pointer?: string;
  severity?: 'error' | 'warning';
}

/** One row per code: the smallest organisation change that produces it, and where it must point. */
const ROWS: Record<string, Row> = {
  // A folder with data folders but no document: the run read nothing, which is not "valid".
  'discovery.empty': { files: { 'teams/README.md': 'notes\n' }, base: mkdtempSync(join(tmpdir(), 'opsledger-nothing-')), file: '.', line: 1, column: 1, pointer: '' },
  'kind.missing': { files: { 'teams/x.yaml': 'kind: Team\nmetadata: {name: x}\nspec: {}\n' }, file: 'teams/x.yaml', line: 1, column: 1, pointer: '/apiVersion' },
  'kind.unknown-api-version': { files: { 'teams/x.yaml': 'apiVersion: opsledger/v2\nkind: Team\nmetadata: {name: x}\nspec: {}\n' }, file: 'teams/x.yaml', line: 1, column: 13, pointer: '/apiVersion' },
  'kind.deprecated-api-version': { files: { 'slos/x.yaml': 'apiVersion: openslo/v1alpha\nkind: SLO\nmetadata: {name: x}\nspec: {}\n' }, file: 'slos/x.yaml', line: 1, column: 13, pointer: '/apiVersion' },
  'kind.unknown': { files: { 'teams/x.yaml': 'apiVersion: opsledger/v1\nkind: Teem\nmetadata: {name: x}\nspec: {}\n' }, file: 'teams/x.yaml', line: 2, column: 7, pointer: '/kind' },
  'schema.required': { files: { 'services/l/service.yaml': svc('  tier: 2\n  exposure: company\n  lifecycle: production\n') }, file: 'services/l/service.yaml', line: 6, column: 3, pointer: '/spec/owner' },
  'schema.additionalProperties': { files: { 'services/l/service.yaml': svc(BASE_SPEC + '  ownr: checkout\n') }, file: 'services/l/service.yaml', line: 10, column: 3, pointer: '/spec/ownr' },
  'schema.enum': { files: { 'services/l/service.yaml': svc('  owner: checkout\n  tier: 2\n  exposure: externall\n  lifecycle: production\n') }, file: 'services/l/service.yaml', line: 8, column: 13, pointer: '/spec/exposure' },
  'schema.type': { files: { 'services/l/service.yaml': svc('  owner: checkout\n  tier: 2\n  exposure: company\n  lifecycle: production\n  dependsOn: service:cart\n') }, file: 'services/l/service.yaml', line: 10, column: 14, pointer: '/spec/dependsOn' },
  'schema.format': { files: { 'changes/CR-2026-0100.yaml': cr('  type: normal\n  services: [cart]\n  schedule: {start: "2026-12-02 01:00", end: "2026-12-02T02:00:00+09:00"}\n') }, file: 'changes/CR-2026-0100.yaml', line: 10, column: 21, pointer: '/spec/schedule/start' },
  'schema.pattern': { files: { 'services/l/service.yaml': svc(BASE_SPEC + '  dependsOn: [service:Cart]\n') }, file: 'services/l/service.yaml', line: 10, column: 15, pointer: '/spec/dependsOn/0' },
  'schema.maximum': { files: { 'changes/CR-2026-0100.yaml': cr('  type: normal\n  services: [cart]\n' + SCHEDULE + '  delivery:\n    strategy: canary\n    stages:\n      - {traffic: 150}\n') }, file: 'changes/CR-2026-0100.yaml', line: 14, column: 19, pointer: '/spec/delivery/stages/0/traffic' },
  'schema.minimum': { files: { 'changes/CR-2026-0100.yaml': cr('  type: normal\n  services: [cart]\n' + SCHEDULE + '  diff: {files: -3}\n') }, file: 'changes/CR-2026-0100.yaml', line: 11, column: 17, pointer: '/spec/diff/files' },
  'name.duplicate': { files: { 'teams/zz-again.yaml': 'apiVersion: opsledger/v1\nkind: Team\nmetadata:\n  name: checkout\nspec: {}\n' }, file: 'teams/zz-again.yaml', line: 4, column: 9, pointer: '/metadata/name' },
  'ref.unresolved': { files: { 'services/l/service.yaml': svc('  owner: chekout\n  tier: 2\n  exposure: company\n  lifecycle: production\n') }, file: 'services/l/service.yaml', line: 6, column: 10, pointer: '/spec/owner' },
  'ref.deprecated': {
    files: { 'services/l/service.yaml': svc('  owner: checkout\n  tier: 4\n  exposure: team\n  lifecycle: deprecated\n') + '---\n' + svc(BASE_SPEC + '  dependsOn: [service:ledger]\n', 'reports') },
    file: 'services/l/service.yaml',
    line: 20,
    column: 15,
    pointer: '/spec/dependsOn/0',
    severity: 'warning',
  },
  'api.unprovided': {
    files: {
      'apis/ledger-events.yaml': 'apiVersion: opsledger/v1\nkind: API\nmetadata: {name: ledger-events}\nspec: {type: asyncapi, owner: checkout, lifecycle: production}\n',
      'services/l/service.yaml': svc(BASE_SPEC + '  consumesApis: [ledger-events]\n'),
    },
    file: 'services/l/service.yaml',
    line: 10,
    column: 18,
    pointer: '/spec/consumesApis/0',
    severity: 'warning',
  },
  'graph.cycle': { files: { 'services/l/service.yaml': svc(BASE_SPEC + '  dependsOn: [service:ledger]\n') }, file: 'services/l/service.yaml', line: 10, column: 15, pointer: '/spec/dependsOn/0' },
  'change.schedule-order': { files: { 'changes/CR-2026-0100.yaml': cr('  type: normal\n  services: [cart]\n  schedule:\n    start: "2026-12-02T03:00:00+09:00"\n    end: "2026-12-02T02:00:00+09:00"\n') }, file: 'changes/CR-2026-0100.yaml', line: 12, column: 10, pointer: '/spec/schedule/end' },
  'change.justification-required': { files: { 'changes/CR-2026-0100.yaml': cr('  type: emergency\n  services: [cart]\n' + SCHEDULE) }, file: 'changes/CR-2026-0100.yaml', line: 6, column: 3, pointer: '/spec' },
  'change.template-required': { files: { 'changes/CR-2026-0100.yaml': cr('  type: standard\n  services: [cart]\n' + SCHEDULE) }, file: 'changes/CR-2026-0100.yaml', line: 8, column: 9, pointer: '/spec/type' },
  'change.template-unused': { files: { 'changes/CR-2026-0100.yaml': cr('  type: normal\n  template: cert-rotation\n  services: [cart]\n' + SCHEDULE) }, file: 'changes/CR-2026-0100.yaml', line: 9, column: 13, pointer: '/spec/template', severity: 'warning' },
  'change.template-coverage': { files: { 'changes/CR-2026-0100.yaml': cr('  type: standard\n  template: cert-rotation\n  configurationItems: [checkout-db]\n' + SCHEDULE) }, file: 'changes/CR-2026-0100.yaml', line: 10, column: 24, pointer: '/spec/configurationItems/0' },
  'change.no-target': { files: { 'changes/CR-2026-0100.yaml': cr('  type: normal\n' + SCHEDULE) }, file: 'changes/CR-2026-0100.yaml', line: 6, column: 3, pointer: '/spec' },
  'change.id-mismatch': { files: { 'changes/CR-2026-0101.yaml': cr('  type: normal\n  services: [cart]\n' + SCHEDULE) }, file: 'changes/CR-2026-0101.yaml', line: 4, column: 9, pointer: '/metadata/name', severity: 'warning' },
  'change.outcome-order': {
    files: { 'changes/CR-2026-0100.yaml': cr('  type: normal\n  services: [cart]\n' + SCHEDULE, 'status:\n  phase: completed\n  outcome:\n    result: failed\n    implementedAt: "2026-12-02T01:10:00+09:00"\n    failureDetectedAt: "2026-12-02T01:05:00+09:00"\n    restoredAt: "2026-12-02T01:30:00+09:00"\n') },
    file: 'changes/CR-2026-0100.yaml',
    line: 16,
    column: 24,
    pointer: '/status/outcome/failureDetectedAt',
  },
  'change.outcome-incomplete': {
    files: { 'changes/CR-2026-0100.yaml': cr('  type: normal\n  services: [cart]\n' + SCHEDULE, 'status:\n  phase: completed\n  outcome:\n    result: rolled-back\n    implementedAt: "2026-12-02T01:10:00+09:00"\n    restoredAt: "2026-12-02T01:30:00+09:00"\n') },
    file: 'changes/CR-2026-0100.yaml',
    line: 14,
    column: 5,
    pointer: '/status/outcome',
    severity: 'warning',
  },
  'change.outcome-phase': {
    files: { 'changes/CR-2026-0100.yaml': cr('  type: normal\n  services: [cart]\n' + SCHEDULE, 'status:\n  phase: scheduled\n  outcome:\n    result: successful\n') },
    file: 'changes/CR-2026-0100.yaml',
    line: 12,
    column: 10,
    pointer: '/status/phase',
    severity: 'warning',
  },
  'calendar.duplicate-window': {
    files: { 'changes/extra.yaml': calendar('    - {name: a, kind: freeze, start: "2026-12-01T00:00:00+09:00", end: "2026-12-02T00:00:00+09:00"}\n    - {name: a, kind: freeze, start: "2026-12-03T00:00:00+09:00", end: "2026-12-04T00:00:00+09:00"}\n') },
    file: 'changes/extra.yaml',
    line: 7,
    column: 14,
    pointer: '/spec/windows/1/name',
  },
  'calendar.timezone': {
    files: { 'changes/extra.yaml': calendar('    - name: m\n      kind: maintenance\n      start: "2026-01-06T01:00:00"\n      rrule: FREQ=WEEKLY;BYDAY=TU\n      duration: 3h\n      timeZone: Asia/Seol\n') },
    file: 'changes/extra.yaml',
    line: 11,
    column: 17,
    pointer: '/spec/windows/0/timeZone',
  },
  'calendar.rrule': {
    files: { 'changes/extra.yaml': calendar('    - name: m\n      kind: maintenance\n      start: "2026-01-06T01:00:00"\n      rrule: FREQ=WEEKLY;BYDAY=TUE\n      duration: 3h\n      timeZone: Asia/Seoul\n') },
    file: 'changes/extra.yaml',
    line: 9,
    column: 14,
    pointer: '/spec/windows/0/rrule',
  },
  'calendar.window-shape': {
    files: { 'changes/extra.yaml': calendar('    - name: m\n      kind: maintenance\n      start: "2026-01-06T01:00:00+09:00"\n      rrule: FREQ=WEEKLY;BYDAY=TU\n      duration: 3h\n      timeZone: Asia/Seoul\n') },
    file: 'changes/extra.yaml',
    line: 8,
    column: 14,
    pointer: '/spec/windows/0/start',
  },
  'calendar.window-order': {
    files: { 'changes/extra.yaml': calendar('    - name: f\n      kind: freeze\n      start: "2026-12-05T00:00:00+09:00"\n      end: "2026-12-04T00:00:00+09:00"\n') },
    file: 'changes/extra.yaml',
    line: 9,
    column: 12,
    pointer: '/spec/windows/0/end',
  },
  'calendar.rrule-too-dense': {
    files: { 'changes/extra.yaml': calendar('    - name: m\n      kind: maintenance\n      start: "2026-01-06T01:00:00"\n      rrule: FREQ=SECONDLY\n      duration: 1s\n      timeZone: Asia/Seoul\n') },
    file: 'changes/extra.yaml',
    line: 9,
    column: 14,
    pointer: '/spec/windows/0/rrule',
  },
  'calendar.rrule-never': {
    files: { 'changes/extra.yaml': calendar('    - name: m\n      kind: maintenance\n      start: "2026-01-06T01:00:00"\n      rrule: FREQ=HOURLY;INTERVAL=24;BYHOUR=3\n      duration: 1h\n      timeZone: Asia/Seoul\n') },
    file: 'changes/extra.yaml',
    line: 9,
    column: 14,
    pointer: '/spec/windows/0/rrule',
    severity: 'warning',
  },
  'calendar.window-overlap': {
    files: { 'changes/extra.yaml': calendar('    - name: m\n      kind: maintenance\n      start: "2026-01-06T01:00:00"\n      rrule: FREQ=DAILY\n      duration: 25h\n      timeZone: Asia/Seoul\n') },
    file: 'changes/extra.yaml',
    line: 10,
    column: 17,
    pointer: '/spec/windows/0/duration',
  },
  'incident.status-incomplete': { files: { 'incidents/INC-2026-0001.yaml': INC('  severity: sev2\n  status: identified\n  startedAt: "2026-12-03T10:00:00+09:00"\n') }, file: 'incidents/INC-2026-0001.yaml', line: 6, column: 11, pointer: '/spec/status' },
  'incident.time-order': { files: { 'incidents/INC-2026-0001.yaml': INC('  severity: sev2\n  status: identified\n  startedAt: "2026-12-03T10:00:00+09:00"\n  detectedAt: "2026-12-03T09:00:00+09:00"\n') }, file: 'incidents/INC-2026-0001.yaml', line: 8, column: 15, pointer: '/spec/detectedAt' },
  'incident.unknown-severity': { files: { 'incidents/INC-2026-0001.yaml': INC('  severity: sev4\n  status: investigating\n  startedAt: "2026-12-03T10:00:00+09:00"\n') }, file: 'incidents/INC-2026-0001.yaml', line: 5, column: 13, pointer: '/spec/severity' },
  // Judged at the run's instant (now): dates long past, so always overdue; warnings, exit 0.
  'incident.review-overdue': { files: { 'incidents/INC-2026-0001.yaml': INC('  severity: sev2\n  status: resolved\n  startedAt: "2026-01-01T10:00:00+09:00"\n  resolvedAt: "2026-01-01T11:00:00+09:00"\n') }, file: 'incidents/INC-2026-0001.yaml', line: 8, column: 15, pointer: '/spec/resolvedAt', severity: 'warning' },
  'incident.action-overdue': { files: { 'incidents/INC-2026-0001.yaml': INC('  severity: sev3\n  status: resolved\n  startedAt: "2026-01-01T10:00:00+09:00"\n  resolvedAt: "2026-01-01T11:00:00+09:00"\n  review:\n    summary: s\n    actionItems:\n      - {title: t, owner: checkout, due: "2026-01-10", state: open}\n') }, file: 'incidents/INC-2026-0001.yaml', line: 12, column: 42, pointer: '/spec/review/actionItems/0/due', severity: 'warning' },
  'incident.cause-after-start': { files: { 'incidents/INC-2026-0001.yaml': INC('  severity: sev2\n  status: investigating\n  startedAt: "2026-12-01T10:00:00+09:00"\n  causedBy: [CR-2026-0001]\n') }, file: 'incidents/INC-2026-0001.yaml', line: 8, column: 14, pointer: '/spec/causedBy/0' },
  'problem.state-incomplete': {
    files: {
      'incidents/PRB-2026-0001.yaml': 'apiVersion: opsledger/v1\nkind: Problem\nmetadata: {name: PRB-2026-0001, title: Missing index}\nspec:\n  state: resolved\n  incidents: [INC-2026-0001]\n  rootCause: No index\n',
      'incidents/INC-2026-0001.yaml': INC('  severity: sev2\n  status: investigating\n  startedAt: "2026-12-03T10:00:00+09:00"\n'),
    },
    file: 'incidents/PRB-2026-0001.yaml',
    line: 5,
    column: 10,
    pointer: '/spec/state',
  },
  'policy.thresholds-order': { files: {}, file: 'changes/policy.yaml', line: 12, column: 24, pointer: '/spec/likelihood/thresholds/2' },
  'policy.matrix-monotone': { files: {}, file: 'changes/policy.yaml', line: 7, column: 27, pointer: '/spec/impact/matrix/external/3', severity: 'warning' },
  'policy.unknown-group': { files: {}, file: 'changes/policy.yaml', line: 24, column: 58, pointer: '/spec/controls/high/approvals/1/group' },
  'policy.unknown-severity': { files: {}, file: 'changes/policy.yaml', line: 15, column: 55, pointer: '/spec/likelihood/factors/recentIncidents/severities/1' },
  'policy.readiness-duplicate-rule': { files: {}, file: 'changes/policy.yaml', line: 31, column: 14, pointer: '/spec/readiness/rules/1/id' },
  'policy.agenda-duplicate-question': { files: {}, file: 'changes/policy.yaml', line: 28, column: 58, pointer: '/spec/agenda/questions/1/id' },
  'policy.readiness-within-unused': { files: {}, file: 'changes/policy.yaml', line: 32, column: 108, pointer: '/spec/readiness/rules/2/within', severity: 'warning' },
  'policy.sensitive-path-invalid': { files: {}, file: 'changes/policy.yaml', line: 28, column: 30, pointer: '/spec/sensitivePaths/1', severity: 'warning' },
  'policy.sensitive-path-unmatched': { files: {}, file: 'changes/policy.yaml', line: 28, column: 30, pointer: '/spec/sensitivePaths/1', severity: 'warning' },
  'environment.unknown': { files: { 'changes/CR-2026-0100.yaml': cr('  type: normal\n  services: [cart]\n' + SCHEDULE).replace('environment: production', 'environment: prod') }, file: 'changes/CR-2026-0100.yaml', line: 7, column: 16, pointer: '/spec/environment' },
  'environment.duplicate': { files: {}, file: 'changes/policy.yaml', line: 37, column: 14, pointer: '/spec/environments/2/name' },
  'policy.duplicate': { files: { 'changes/zz-policy.yaml': 'apiVersion: opsledger/v1\nkind: Policy\nmetadata: {name: second}\nspec: {}\n' }, file: 'changes/zz-policy.yaml', line: 2, column: 7, pointer: '/kind' },
  'change.required-field': {
    files: {
      'changes/templates/cart-deploy.yaml': 'apiVersion: opsledger/v1\nkind: StandardChange\nmetadata: {name: cart-deploy}\nspec:\n  covers: {services: [cart]}\n  maxRisk: high\n  requiredFields: [verification]\n',
      'changes/CR-2026-0100.yaml': cr('  type: standard\n  template: cart-deploy\n  services: [cart]\n' + SCHEDULE),
    },
    file: 'changes/CR-2026-0100.yaml',
    line: 9,
    column: 13,
    pointer: '/spec/template',
  },
  'policy.service-path-invalid': { files: {}, file: 'changes/policy.yaml', line: 28, column: 42, pointer: '/spec/servicePaths/checkout/1', severity: 'warning' },
  'policy.service-path-unmatched': { files: {}, file: 'changes/policy.yaml', line: 28, column: 42, pointer: '/spec/servicePaths/checkout/1', severity: 'warning' },
  'policy.points-precision': { files: {}, file: 'changes/policy.yaml', line: 14, column: 41, pointer: '/spec/likelihood/factors/changeType/normal' },
  'yaml.alias': { files: { 'teams/x.yaml': 'apiVersion: opsledger/v1\nkind: Team\nmetadata: {name: x}\nspec: {members: [*nobody]}\n' }, file: 'teams/x.yaml', line: 4, column: 18 },
};

// The policy rows edit the fixture's own policy file, so their line numbers are the fixture's.
const POLICY_EDITS: Record<string, [string, string]> = {
  'policy.thresholds-order': ['thresholds: [3, 6, 10]', 'thresholds: [3, 6, 6]'],
  'policy.matrix-monotone': ['external: [4, 4, 3, 2]', 'external: [4, 4, 2, 3]'],
  'policy.unknown-group': ['{group: cab, count: 1}], rollback: tested}', '{group: cabb, count: 1}], rollback: tested}'],
  'policy.unknown-severity': ['      changeType: {standard: 0, normal: 1, emergency: 4}\n', '      changeType: {standard: 0, normal: 1, emergency: 4}\n      recentIncidents: {points: 2, severities: [sev1, sev4]}\n'],
  'policy.readiness-duplicate-rule': ['{id: runbook, description: At least one runbook', '{id: oncall, description: At least one runbook'],
  'policy.agenda-duplicate-question': ['  readiness:\n', '  agenda: {questions: [{id: ask, check: premortem}, {id: ask, check: verification}]}\n  readiness:\n'],
  'policy.readiness-within-unused': ['level: silver, tiers: [1, 2]}', 'level: silver, tiers: [1, 2], within: 30d}'],
  'policy.sensitive-path-invalid': ['  readiness:\n', '  sensitivePaths: [teams/**, "changes/[x.yaml"]\n  readiness:\n'],
  'policy.points-precision': ['normal: 1, emergency: 4}', 'normal: 1.0005, emergency: 4}'],
  'environment.duplicate': ['    - {name: staging}\n', '    - {name: staging, aliases: [dev]}\n'],
  'policy.sensitive-path-unmatched': ['  readiness:\n', '  sensitivePaths: [teams/**, tems/**]\n  readiness:\n'],
  'policy.service-path-invalid': ['  readiness:\n', '  servicePaths: {checkout: [services/**, "deploy/[x"]}\n  readiness:\n'],
  'policy.service-path-unmatched': ['  readiness:\n', '  servicePaths: {checkout: [services/**, deploy/**]}\n  readiness:\n'],
};

describe('every diagnostic code', () => {
  it.each(Object.entries(ROWS))('%s', async (code, row) => {
    const root = makeOrg(row.files, row.base);
    const edit = POLICY_EDITS[code];
    if (edit) {
      const { readFileSync, writeFileSync } = await import('node:fs');
      const path = `${root}/changes/policy.yaml`;
      const before = readFileSync(path, 'utf8');
      expect(before).toContain(edit[0]);
      writeFileSync(path, before.replace(edit[0], edit[1]));
    }
    const { code: exit, report } = await validateJson(root);
    const found = report.diagnostics.filter((d) => d.code === code);
    expect(found, JSON.stringify(report.diagnostics)).toHaveLength(1);
    const d = found[0]!;
    expect({ file: d.file, line: d.line, column: d.column, severity: d.severity }).toEqual({ file: row.file, line: row.line, column: row.column, severity: row.severity ?? 'error' });
    if (row.pointer !== undefined) expect(d.pointer).toBe(row.pointer);
    expect(exit).toBe(report.diagnostics.some((x) => x.severity === 'error') ? 1 : 0);
  });

  it('has a test for every code opsledger can emit', () => {
    const covered = new Set([...Object.keys(ROWS), ...HOSTILE_CASES.map((c) => c[2])]);
    // Discovery codes for paths and unreadable files are covered in cli.test.ts, hostile-input.test.ts and adapters/read-policy.test.ts.
    for (const c of ['file.symlink-escape', 'file.symlink-broken', 'file.not-found', 'file.outside-root', 'file.unreadable', 'file.not-regular']) covered.add(c);
    // Not a validate finding: the calendar command reports it for a range too large to expand (calendar/budget-cli.test.ts).
    covered.add('calendar.expansion-budget');
    // Not a validate finding: risk, the gate and metrics mark a submission time a shallow clone hides (adapters/git-facts.test.ts).
    covered.add('git.shallow');
    // Not a validate finding: `new change` reports it when the year's last id is taken (scaffold/new.test.ts).
    covered.add('new.ids-used-up');
    // Not a validate finding: `new incident` reports it when the year's last incident id is taken (incidents/new-incident.test.ts).
    covered.add('new.incident-ids-used-up');
    // Not validate findings: `opsledger audit` reports them as exceptions (github/audit.test.ts, one row each).
    for (const c of ['audit.unauthorised-change', 'audit.merged-before-approval', 'audit.deployed-without-gate', 'audit.gate-denied-but-deployed', 'audit.emergency-review-overdue', 'audit.standard-outside-template']) covered.add(c);
    // Not a validate finding: `catalog --audit` reports a saved report that does not check out (catalog/audit-browser.test.ts).
    covered.add('audit.report-invalid');
    // Not a validate finding: the CAB reports a tied path no change request covers (github/service-paths-review.test.ts, a row per case).
    covered.add('cab.service-path-uncovered');
    const schemaKeywordsWithoutFixture = Object.keys(CODES).filter((c) => c.startsWith('schema.') && !covered.has(c));
    const missing = Object.keys(CODES).filter((c) => !covered.has(c) && !schemaKeywordsWithoutFixture.includes(c));
    expect(missing).toEqual([]);
  });

  it('the fixture organisation itself is clean', async () => {
    const { code, report } = await validateJson(makeOrg());
    expect(report.diagnostics).toEqual([]);
    expect(code).toBe(0);
  });
});
