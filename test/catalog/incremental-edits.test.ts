import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { copyExampleOrg } from '../helpers/example-org.js';
import { cli } from '../helpers/org.js';
import { EXAMPLE_AT } from './site.js';
import { changedContent, expectSameSite, rewritten, snapshot } from './site-snapshot.js';

/**
 * The bar for an update in place: whatever single file is edited, added or deleted, the site it
 * leaves is byte for byte a fresh build of the edited organisation, and the files it wrote are
 * exactly those whose bytes changed. The edits reach the pages that depend on other documents
 * (dependency graph, reverse dependencies, team pages listing services, lists, the search index).
 */
const tempSite = () => join(mkdtempSync(join(tmpdir(), 'opsledger-site-')), 'site');

async function build(org: string, out: string, at = EXAMPLE_AT): Promise<string> {
  const r = await cli(['catalog', '--root', org, '--out', out, '--at', at, '--quiet'], org);
  expect([r.code, r.stderr]).toEqual([0, expect.any(String)]);
  return r.stdout;
}

/** Data files under a folder of the organisation, relative to it, sorted. */
function yamlFiles(org: string, folder: string): string[] {
  return readdirSync(join(org, folder), { recursive: true })
    .map(String)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => join(folder, f));
}

/** The documents of one kind: [file, name]. Every file the tests pick from holds one document. */
function docsOfKind(org: string, folder: string, kind: string): [string, string][] {
  const out: [string, string][] = [];
  for (const file of yamlFiles(org, folder)) {
    const text = readFileSync(join(org, file), 'utf8');
    if (!text.includes(`\nkind: ${kind}\n`) || text.includes('\n---')) continue;
    const name = /^ {2}name: (\S+)$/m.exec(text)?.[1];
    if (name) out.push([file, name]);
  }
  return out;
}

const pick = <T>(items: readonly T[], n: number): T => {
  expect(items.length).toBeGreaterThan(0);
  return items[n % items.length]!;
};

function setTitle(org: string, file: string, title: string): void {
  const path = join(org, file);
  const text = readFileSync(path, 'utf8');
  const next = /^ {2}title: .*$/m.test(text) ? text.replace(/^ {2}title: .*$/m, `  title: ${title}`) : text.replace(/^( {2}name: \S+)$/m, `$1\n  title: ${title}`);
  expect(next).not.toBe(text);
  writeFileSync(path, next);
}

/** Replaces the first match of `from` in one file of the organisation; the file must change. */
function replaceIn(org: string, file: string, from: RegExp, to: string): void {
  const path = join(org, file);
  const text = readFileSync(path, 'utf8');
  const next = text.replace(from, to);
  expect(next).not.toBe(text);
  writeFileSync(path, next);
}

/**
 * One edit: applied to a copy of the example organisation, `n` choosing what it touches. It may
 * return the time the rebuild is made at (the clock moved between the builds).
 */
type Edit = (org: string, n: number) => string | void;

/** Edits after which no file of the site may change (outside git, a page shows no file's path). */
const INVISIBLE = new Set(['a change file renamed (same document, new path)']);

const edits: [string, Edit][] = [
  // A service's title shows on its page, its team's page, the lists, the search index and on the
  // pages of everything that depends on it.
  ['a service retitled', (org, n) => setTitle(org, pick(docsOfKind(org, 'services', 'Service'), n)[0], 'Retitled by the test')],
  ['a CI retitled', (org, n) => setTitle(org, pick(docsOfKind(org, 'services', 'ConfigurationItem'), n)[0], 'Retitled CI')],
  ['a team retitled', (org, n) => setTitle(org, pick(docsOfKind(org, 'teams', 'Team'), n)[0], 'Retitled team')],
  ['a change retitled', (org, n) => setTitle(org, pick(docsOfKind(org, 'changes', 'ChangeRequest'), n)[0], 'Retitled change')],
  [
    'a service added (a copy of another under a new name)',
    (org, n) => {
      const [file, name] = pick(docsOfKind(org, 'services', 'Service'), n);
      const copy = `${name}-copy`;
      mkdirSync(join(org, 'services', copy));
      writeFileSync(join(org, 'services', copy, 'service.yaml'), readFileSync(join(org, file), 'utf8').replace(`  name: ${name}\n`, `  name: ${copy}\n`));
    },
  ],
  [
    'a change nothing else names deleted',
    (org, n) => {
      const all = readdirSync(org, { recursive: true })
        .map(String)
        .filter((f) => f.endsWith('.yaml'))
        .map((f) => readFileSync(join(org, f), 'utf8'))
        .join('\n');
      const lone = docsOfKind(org, 'changes', 'ChangeRequest').filter(([, id]) => all.split(id).length === 2);
      rmSync(join(org, pick(lone, n)[0]));
    },
  ],
  [
    'a CI moved to another service (its service reference renamed)',
    (org, n) => {
      const services = docsOfKind(org, 'services', 'Service').map(([, name]) => name);
      const cis = docsOfKind(org, 'services', 'ConfigurationItem').filter(([file]) => /^ {2}service: \S+$/m.test(readFileSync(join(org, file), 'utf8')));
      const [file] = pick(cis, n);
      const path = join(org, file);
      const text = readFileSync(path, 'utf8');
      const from = /^ {2}service: (\S+)$/m.exec(text)![1]!;
      const to = pick(services.filter((s) => s !== from), n >> 3);
      writeFileSync(path, text.replace(`  service: ${from}\n`, `  service: ${to}\n`));
    },
  ],
  [
    'a dependency dropped from a service',
    (org, n) => {
      const withDeps = docsOfKind(org, 'services', 'Service').filter(([file]) => /^ {2}dependsOn:\n {4}- \S+\n {4}- /m.test(readFileSync(join(org, file), 'utf8')));
      const [file] = pick(withDeps, n);
      const path = join(org, file);
      const text = readFileSync(path, 'utf8');
      writeFileSync(path, text.replace(/^( {2}dependsOn:\n) {4}- \S+\n/m, '$1'));
    },
  ],
  [
    // Readiness (every list's level), the service page and the risk of changes to it.
    'an SLO whose error budget is spent',
    (org, n) => replaceIn(org, pick(yamlFiles(org, 'services').filter((f) => f.endsWith('slos.yaml')), n), /errorBudgetRemaining: [\d.]+/, 'errorBudgetRemaining: 0'),
  ],
  // Every open change's controls and risk, and no document of a page's own.
  ['the policy: a longer lead time', (org) => replaceIn(org, 'changes/policy.yaml', /leadTime: 2d/, 'leadTime: 9d')],
  // The calendar pages, the .ics download, the front page's windows and the risk of the changes it covers.
  ['a freeze window moved', (org) => replaceIn(org, 'changes/calendar.yaml', /start: "2026-12-18T00:00:00\+09:00"/, 'start: "2026-11-30T00:00:00+09:00"')],
  [
    'a change file renamed (same document, new path)',
    (org, n) => {
      const [file] = pick(docsOfKind(org, 'changes', 'ChangeRequest'), n);
      renameSync(join(org, file), join(org, file.replace(/\.yaml$/, '-renamed.yaml')));
    },
  ],
  [
    // Readiness, the service page, the risk of changes to the service.
    'a file of SLOs added beside another (copies under new names)',
    (org, n) => {
      const file = pick(yamlFiles(org, 'services').filter((f) => f.endsWith('slos.yaml')), n);
      writeFileSync(join(org, file.replace(/slos\.yaml$/, 'more-slos.yaml')), readFileSync(join(org, file), 'utf8').replace(/^( {2}name: \S+)$/gm, '$1-copy'));
    },
  ],
  // Nothing edited, a day later: lead times, upcoming changes, windows in force, readiness ages.
  ['the clock moved by a day', () => '2026-11-23T12:00:00+09:00'],
  ['the clock moved into a freeze window', () => '2026-11-26T09:30:00+09:00'],
];

/** Which document each edit touches, drawn once from a fixed seed so a failure names a case that repeats. */
const targets = fc.sample(fc.nat({ max: 1 << 16 }), { seed: 22_3, numRuns: edits.length });
const cases = edits.map(([name, edit], i) => [name, edit, targets[i]!] as const);

describe('an update in place after one random edit', () => {
  it.each(cases)('%s: the site equals a fresh build byte for byte, and only the files whose bytes changed are written', async (name, edit, n) => {
    const org = copyExampleOrg();
    const site = tempSite();
    await build(org, site);
    const before = snapshot(site);
    const at = edit(org, n) ?? EXAMPLE_AT;
    const fresh = tempSite();
    await build(org, fresh, at);
    await build(org, site, at);
    expectSameSite(site, fresh);
    const after = snapshot(site);
    const changed = changedContent(before, after);
    expect(rewritten(before, after)).toEqual(changed);
    if (INVISIBLE.has(name)) expect(changed).toEqual([]);
    else expect(changed.length).toBeGreaterThan(0);
    // A second update with nothing edited writes nothing.
    await build(org, site, at);
    expect(rewritten(after, snapshot(site))).toEqual([]);
  }, 180_000);
});

/** Commits everything in the folder, dated `at` (author and committer). */
function commitAll(org: string, message: string, at: string): void {
  const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', GIT_AUTHOR_NAME: 'Org Admin', GIT_AUTHOR_EMAIL: 'admin@example.com', GIT_COMMITTER_NAME: 'Org Admin', GIT_COMMITTER_EMAIL: 'admin@example.com', GIT_AUTHOR_DATE: at, GIT_COMMITTER_DATE: at };
  execFileSync('git', ['add', '-A'], { cwd: org, env });
  execFileSync('git', ['-c', 'commit.gpgsign=false', 'commit', '-q', '-m', message], { cwd: org, env });
}

describe('an update in place in a git repository', () => {
  // Git adds inputs no folder has: each service page's history of commits and each change's
  // submission time (its first commit), from which lead times count.
  it('after a commit that edits a service and adds a change, then after an edit not yet committed, equals a fresh build', async () => {
    const org = copyExampleOrg();
    execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: org });
    commitAll(org, 'the organisation', '2026-11-01T09:00:00Z');
    const site = tempSite();
    await build(org, site);

    const [serviceFile, serviceName] = pick(docsOfKind(org, 'services', 'Service'), targets[0]!);
    setTitle(org, serviceFile, 'Retitled and committed');
    const [changeFile, changeId] = pick(docsOfKind(org, 'changes', 'ChangeRequest'), targets[1]!);
    const copy = join('changes', 'CR-2026-0999.yaml');
    writeFileSync(join(org, copy), readFileSync(join(org, changeFile), 'utf8').replace(`  name: ${changeId}\n`, '  name: CR-2026-0999\n'));
    commitAll(org, 'a service retitled, a change added', '2026-11-20T09:00:00Z');
    let before = snapshot(site);
    let fresh = tempSite();
    await build(org, fresh);
    await build(org, site);
    expectSameSite(site, fresh);
    expect(rewritten(before, snapshot(site))).toEqual(changedContent(before, snapshot(site)));
    // The service's history shows the new commit; the new change's notice counts from it.
    expect(changedContent(before, snapshot(site))).toEqual(expect.arrayContaining(['changes/CR-2026-0999.html', `services/${serviceName}.html`]));

    // Not committed: the change has no submission time yet.
    setTitle(org, copy, 'Edited, not committed');
    before = snapshot(site);
    fresh = tempSite();
    await build(org, fresh);
    await build(org, site);
    expectSameSite(site, fresh);
    expect(rewritten(before, snapshot(site))).toEqual(changedContent(before, snapshot(site)));
  }, 180_000);
});
