import { randomBytes } from 'node:crypto';
import { mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { jsonDiagnostics, printFigures, runCase, testTimeout, type Figure, type HostileCase } from './harness.js';

/**
 * Disclosure: no byte from outside the repository reaches a report. Every run gets a canary in
 * its environment and beside the repository; neither may appear in anything it prints, in any
 * format, whichever command the pull request's author aims the link at.
 */
const CANARY = `ghs_canary${randomBytes(12).toString('hex')}`;
const env = { OPSLEDGER_HOSTILE_CANARY: CANARY };

function outside(): string {
  const dir = mkdtempSync(join(tmpdir(), 'opsledger-outside-'));
  writeFileSync(join(dir, 'secret.yaml'), `apiVersion: opsledger/v1\nkind: Team\nmetadata: {name: stolen}\nspec: {token: ${CANARY}}\n`);
  return dir;
}

const FORMATS = ['text', 'json', 'sarif', 'github', 'markdown'] as const;

type Plant = [string, (root: string) => void, string];
const PLANTS: Plant[] = [
  ['a link to a file outside', (root) => symlinkSync(join(outside(), 'secret.yaml'), join(root, 'teams', 'leak.yaml')), 'teams/leak.yaml'],
  ['a linked folder that leads out', (root) => symlinkSync(outside(), join(root, 'teams', 'leak')), 'teams/leak'],
  ['a link to /proc/self/environ', (root) => symlinkSync('/proc/self/environ', join(root, 'teams', 'leak.yaml')), 'teams/leak.yaml'],
  ['a link to /proc/self/cmdline', (root) => symlinkSync('/proc/self/cmdline', join(root, 'services', 'leak.yaml')), 'services/leak.yaml'],
];

const positioned = (file: string) => (run: Parameters<NonNullable<HostileCase['check']>>[0]) => {
  expect(jsonDiagnostics(run).map((d) => [d.code, d.file, d.line, d.column])).toContainEqual(['file.symlink-escape', file, 1, 1]);
};

const CASES: HostileCase[] = [
  // validate, in every format: the finding names the link, the code frame shows nothing of it.
  ...PLANTS.flatMap(([name, plant, file]): HostileCase[] =>
    FORMATS.map((format) => ({
      name: `${name}: validate --format ${format}`,
      setup: plant,
      args: (root) => ['validate', '--root', root, '--no-cache', '--format', format],
      env,
      exit: 1,
      codes: ['file.symlink-escape'],
      absent: [CANARY, 'stolen'],
      ...(format === 'json' ? { check: positioned(file) } : {}),
    })),
  ),
  // The commands that refuse an invalid organisation show the same finding, and nothing more.
  ...[
    ['impact', ['impact', 'service:checkout-api']],
    ['risk --open', ['risk', '--open']],
    ['metrics', ['metrics']],
    ['readiness', ['readiness']],
    ['calendar', ['calendar']],
  ].map(([cmd, args]): HostileCase => ({
    name: `a link to /proc/self/environ: ${cmd as string}`,
    setup: PLANTS[2]![1],
    args: (root) => [...(args as string[]), '--root', root],
    env,
    exit: 1,
    codes: ['file.symlink-escape'],
    absent: [CANARY, 'no problems'],
  })),
  {
    name: 'a file named on the command line through a linked folder',
    setup: PLANTS[1]![1],
    args: (root) => ['validate', 'teams/leak/secret.yaml', '--root', root, '--no-cache', '--format', 'json'],
    env,
    exit: 1,
    absent: [CANARY, 'stolen'],
    check: positioned('teams/leak/secret.yaml'),
  },
  {
    name: '/proc/self/environ named on the command line',
    args: (root) => ['validate', '/proc/self/environ', '--root', root, '--no-cache'],
    env,
    exit: 1,
    codes: ['file.outside-root'],
    absent: [CANARY],
  },
  // A catalog export is a user-named file, not repository content, yet a CI job that imports a
  // path from its inputs must not print what it read there either.
  {
    name: 'import backstage /proc/self/environ',
    args: (root) => ['import', 'backstage', '/proc/self/environ', '--root', root],
    env,
    exit: 1,
    absent: [CANARY],
  },
  // Text that looks like a variable stays text: nothing expands it into a message.
  {
    name: 'a document that names an environment variable',
    files: { 'teams/vars.yaml': 'apiVersion: opsledger/v1\nkind: "${OPSLEDGER_HOSTILE_CANARY}"\nmetadata: {name: "$OPSLEDGER_HOSTILE_CANARY"}\nspec: {}\n' },
    args: (root) => ['validate', '--root', root, '--no-cache'],
    env,
    exit: 1,
    codes: ['kind.unknown'],
    absent: [CANARY],
    check: (run) => expect(run.stdout).toContain('${OPSLEDGER_HOSTILE_CANARY}'),
  },
];

describe.concurrent('disclosure: nothing from outside the repository is printed', () => {
  const figures: Figure[] = [];
  afterAll(() => printFigures('disclosure', figures));
  for (const c of CASES) it(c.name, () => runCase(c, figures).then(() => undefined), testTimeout(c));
});

/*
 * Links in documents accept only http, https and mailto: a javascript: runbook in the catalog
 * runs in the reader's browser with the catalog's origin. One organisation per URL, with the
 * URL in every place a document names a link; each place must be refused at the value.
 */
interface Place {
  file: string;
  content: (url: string) => string;
  pointer: string;
  line: number;
  column: number;
}

const service = (name: string, spec: string) => `apiVersion: opsledger/v1
kind: Service
metadata:
  name: ${name}
spec:
  owner: checkout
  tier: 3
  exposure: team
  lifecycle: production
${spec}`;

const team = (name: string, spec: string, meta = '') => `apiVersion: opsledger/v1
kind: Team
metadata:
  name: ${name}
${meta}spec:
  members: [mina-park]
${spec}`;

const change = (name: string, spec: string) => `apiVersion: opsledger/v1
kind: ChangeRequest
metadata:
  name: ${name}
spec:
  type: normal
  requester: mina-park
  environment: production
  services: [checkout-api]
  schedule: {start: "2026-12-02T01:00:00+09:00", end: "2026-12-02T02:00:00+09:00"}
${spec}`;

const PLACES: Record<string, Place> = {
  'metadata link': { file: 'teams/linked-meta.yaml', content: (u) => team('linked-meta', '', `  links: [{title: Docs, url: ${u}}]\n`), pointer: '/metadata/links/0/url', line: 5, column: 30 },
  runbook: { file: 'services/linked-rb/service.yaml', content: (u) => service('linked-rb', `  runbooks: [{title: Restart, url: ${u}}]\n`), pointer: '/spec/runbooks/0/url', line: 10, column: 36 },
  playbook: { file: 'services/linked-pb/service.yaml', content: (u) => service('linked-pb', `  playbooks: [{title: 5xx, url: ${u}}]\n`), pointer: '/spec/playbooks/0/url', line: 10, column: 33 },
  dashboard: { file: 'services/linked-db/service.yaml', content: (u) => service('linked-db', `  dashboards:\n    - title: Golden signals\n      url: ${u}\n`), pointer: '/spec/dashboards/0/url', line: 12, column: 12 },
  repository: { file: 'services/linked-repo/service.yaml', content: (u) => service('linked-repo', `  repository: ${u}\n`), pointer: '/spec/repository', line: 10, column: 15 },
  'on-call schedule': { file: 'teams/linked-oncall.yaml', content: (u) => team('linked-oncall', `  oncall: {schedule: ${u}}\n`), pointer: '/spec/oncall/schedule', line: 7, column: 22 },
  'verification evidence': { file: 'changes/CR-2026-0777.yaml', content: (u) => change('CR-2026-0777', `  verification: [{description: Soak, evidence: ${u}}]\n`), pointer: '/spec/verification/0/evidence', line: 11, column: 48 },
  'rollback evidence': { file: 'changes/CR-2026-0778.yaml', content: (u) => change('CR-2026-0778', `  rollback:\n    steps: [Revert]\n    tested: {at: "2026-11-20", evidence: ${u}}\n`), pointer: '/spec/rollback/tested/evidence', line: 13, column: 42 },
};

const everywhere = (url: string) => Object.fromEntries(Object.values(PLACES).map((p) => [p.file, p.content(url)]));
const OURS = new Set(Object.values(PLACES).map((p) => p.file));

// Quoted as YAML double-quoted scalars, so escapes such as \t reach the value.
const REFUSED = ['"javascript:alert(1)"', '"JavaScript:alert(document.cookie)"', '"vbscript:msgbox(1)"', '"data:text/html;base64,PHNjcmlwdD4="', '"file:///etc/passwd"', '"java\\tscript:alert(1)"'];
const ACCEPTED = ['"https://wiki.example.com/rb/restart"', '"http://grafana.internal:3000/d/x"', '"mailto:oncall@example.com"'];

const LINK_CASES: HostileCase[] = [
  ...REFUSED.map(
    (url): HostileCase => ({
      name: `${url} in every place a link goes: a schema error at each value`,
      files: everywhere(url),
      args: (root) => ['validate', '--root', root, '--no-cache', '--format', 'json'],
      exit: 1,
      check: (run) => {
        const found = jsonDiagnostics(run).filter((d) => OURS.has(d.file));
        const expected = Object.values(PLACES).map((p) => ['schema.format', p.file, p.line, p.column]);
        expect(found.map((d) => [d.code, d.file, d.line, d.column]).sort()).toEqual(expected.sort());
      },
    }),
  ),
  ...ACCEPTED.map(
    (url): HostileCase => ({
      name: `${url} in every place a link goes is accepted`,
      files: everywhere(url),
      args: (root) => ['validate', '--root', root, '--no-cache', '--format', 'json'],
      exit: 0,
      check: (run) => expect(jsonDiagnostics(run)).toEqual([]),
    }),
  ),
  {
    name: 'evidence may be words, a ticket with a colon or a bare identifier',
    files: {
      'changes/CR-2026-0777.yaml': change('CR-2026-0777', '  verification: [{description: Soak, evidence: "Staging soak 72h, see OPS-12"}]\n'),
      'changes/CR-2026-0778.yaml': change('CR-2026-0778', '  verification: [{description: Soak, evidence: "Ticket: OPS-12"}]\n'),
      'changes/CR-2026-0779.yaml': change('CR-2026-0779', '  verification: [{description: Soak, evidence: run-981}]\n'),
    },
    args: (root) => ['validate', '--root', root, '--no-cache', '--format', 'json'],
    exit: 0,
    check: (run) => expect(jsonDiagnostics(run)).toEqual([]),
  },
];

describe.concurrent('disclosure: links in documents accept only http, https and mailto', () => {
  const figures: Figure[] = [];
  afterAll(() => printFigures('disclosure', figures));
  for (const c of LINK_CASES) it(c.name, () => runCase(c, figures).then(() => undefined), testTimeout(c));
});
