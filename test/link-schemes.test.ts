import { describe, expect, it } from 'vitest';
import { makeOrg, validateJson } from './helpers/org.js';

/**
 * Every place a document names a link accepts only http(s) and mailto:. Each row puts a URL in
 * one place (the `@` marks it) and says where the finding must point.
 */
const service = (spec: string) => `apiVersion: opsledger/v1
kind: Service
metadata:
  name: linked
spec:
  owner: checkout
  tier: 3
  exposure: team
  lifecycle: production
${spec}`;

const team = (spec: string, meta = '') => `apiVersion: opsledger/v1
kind: Team
metadata:
  name: linked
${meta}spec:
  members: [mina-park]
${spec}`;

const change = (spec: string) => `apiVersion: opsledger/v1
kind: ChangeRequest
metadata:
  name: CR-2026-0777
spec:
  type: normal
  requester: mina-park
  environment: production
  services: [cart]
  schedule: {start: "2026-12-02T01:00:00+09:00", end: "2026-12-02T02:00:00+09:00"}
${spec}`;

interface Place {
  file: string;
  content: (url: string) => string;
  pointer: string;
  line: number;
  column: number;
}

const PLACES: Record<string, Place> = {
  'metadata link': { file: 'teams/linked.yaml', content: (u) => team('', `  links: [{title: Docs, url: ${u}}]\n`), pointer: '/metadata/links/0/url', line: 5, column: 30 },
  runbook: { file: 'services/linked/service.yaml', content: (u) => service(`  runbooks: [{title: Restart, url: ${u}}]\n`), pointer: '/spec/runbooks/0/url', line: 10, column: 36 },
  playbook: { file: 'services/linked/service.yaml', content: (u) => service(`  playbooks: [{title: 5xx, url: ${u}}]\n`), pointer: '/spec/playbooks/0/url', line: 10, column: 33 },
  dashboard: { file: 'services/linked/service.yaml', content: (u) => service(`  dashboards:\n    - title: Golden signals\n      url: ${u}\n`), pointer: '/spec/dashboards/0/url', line: 12, column: 12 },
  repository: { file: 'services/linked/service.yaml', content: (u) => service(`  repository: ${u}\n`), pointer: '/spec/repository', line: 10, column: 15 },
  'on-call schedule': { file: 'teams/linked.yaml', content: (u) => team(`  oncall: {schedule: ${u}}\n`), pointer: '/spec/oncall/schedule', line: 7, column: 22 },
  'verification evidence': { file: 'changes/CR-2026-0777.yaml', content: (u) => change(`  verification: [{description: Soak, evidence: ${u}}]\n`), pointer: '/spec/verification/0/evidence', line: 11, column: 48 },
  'rollback evidence': { file: 'changes/CR-2026-0777.yaml', content: (u) => change(`  rollback:\n    steps: [Revert]\n    tested: {at: "2026-11-20", evidence: ${u}}\n`), pointer: '/spec/rollback/tested/evidence', line: 13, column: 42 },
};

// Quoted as YAML double-quoted scalars, so escapes such as \t reach the value.
const REFUSED = ['"javascript:alert(1)"', '"JavaScript:alert(document.cookie)"', '"vbscript:msgbox(1)"', '"data:text/html;base64,PHNjcmlwdD4="', '"file:///etc/passwd"', '"java\\tscript:alert(1)"'];
const ACCEPTED = ['"https://wiki.example.com/rb/restart"', '"http://grafana.internal:3000/d/x"', '"mailto:oncall@example.com"'];

const cases = Object.entries(PLACES).flatMap(([place, p]) => REFUSED.map((url) => [place, url, p] as const));

describe('links accept only http, https and mailto', () => {
  it.each(cases)('%s: %s is a schema error at the value', async (_place, url, p) => {
    const { code, report } = await validateJson(makeOrg({ [p.file]: p.content(url) }));
    expect(code).toBe(1);
    const found = report.diagnostics.filter((d) => d.file === p.file);
    expect(found.map((d) => [d.code, d.pointer, d.line, d.column])).toEqual([['schema.format', p.pointer, p.line, p.column]]);
  });

  it.each(Object.entries(PLACES).flatMap(([place, p]) => ACCEPTED.map((url) => [place, url, p] as const)))('%s: %s is accepted', async (_place, url, p) => {
    const { code, report } = await validateJson(makeOrg({ [p.file]: p.content(url) }));
    expect(report.diagnostics).toEqual([]);
    expect(code).toBe(0);
  });

  it.each([
    ['a reference in words', 'Staging soak 72h, see OPS-12'],
    ['a ticket with a colon', 'Ticket: OPS-12'],
    ['a bare identifier', 'run-981'],
  ])('evidence may be %s', async (_name, text) => {
    const p = PLACES['verification evidence']!;
    const { code, report } = await validateJson(makeOrg({ [p.file]: p.content(JSON.stringify(text)) }));
    expect(report.diagnostics).toEqual([]);
    expect(code).toBe(0);
  });
});
