import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadOrganisationAtRef } from '../../src/adapters/git/org-at-ref.js';
import { changedPathsBetween, firstParentLine, lastCommitTouching, noteGraph } from '../../src/adapters/git/pr-history.js';
import { documentOrigins } from '../../src/adapters/git/document-origins.js';
import { mergeBase } from '../../src/core/merge-base.js';
import { catFileBatch, GitObjectMissing, readFilesAtRef } from '../../src/adapters/git/read-at-ref.js';
import { TestRepo } from '../helpers/git-repo.js';

/** Reading the organisation out of commits, in real repositories. */
const me = { name: 'Mina Park', email: 'mina@northwind.example' };
let repo: TestRepo | undefined;
afterEach(() => {
  repo?.remove();
  repo = undefined;
});

const TEAM = (name: string, members: string) => `apiVersion: opsledger/v1\nkind: Team\nmetadata: {name: ${name}}\nspec:\n  members: [${members}]\n`;

describe('loadOrganisationAtRef', () => {
  it('reads the commit, not the working tree', async () => {
    repo = await TestRepo.create({ 'teams/cab.yaml': TEAM('cab-board', 'dana-lee') });
    const first = await repo.sha();
    await repo.commit({ 'teams/cab.yaml': TEAM('cab-board', 'dana-lee, eve') }, 'Add eve', me);
    writeFileSync(join(repo.root, 'teams', 'cab.yaml'), TEAM('cab-board', 'mallory'));
    const atFirst = await loadOrganisationAtRef(repo.root, first);
    const atHead = await loadOrganisationAtRef(repo.root, 'HEAD');
    expect(atFirst.commit).toBe(first);
    expect(atFirst.org.teams.get('cab-board')!.doc.spec.members).toEqual(['dana-lee']);
    expect(atHead.org.teams.get('cab-board')!.doc.spec.members).toEqual(['dana-lee', 'eve']);
    expect(atHead.org.services.get('checkout-api')?.doc.spec.tier).toBe(1);
    expect(atHead.validation.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  });

  it('reports schema errors of the committed files the same way validate does', async () => {
    repo = await TestRepo.create({ 'teams/bad.yaml': 'apiVersion: opsledger/v1\nkind: Team\nmetadata: {name: Bad Name}\nspec: {}\n' });
    const o = await loadOrganisationAtRef(repo.root, 'HEAD');
    expect(o.validation.diagnostics.some((d) => d.file === 'teams/bad.yaml' && d.severity === 'error')).toBe(true);
    expect(o.org.teams.has('Bad Name')).toBe(false);
  });

  it('works from a root below the top of the repository, and skips symbolic links', async () => {
    repo = await TestRepo.create();
    const { mkdirSync, cpSync, readdirSync } = await import('node:fs');
    mkdirSync(join(repo.root, 'org'));
    for (const d of readdirSync(repo.root)) if (!['org', '.git'].includes(d)) cpSync(join(repo.root, d), join(repo.root, 'org', d), { recursive: true });
    symlinkSync('/etc/hostname', join(repo.root, 'org', 'teams', 'link.yaml'));
    await repo.commit({}, 'Move into org/', me);
    const tree = await readFilesAtRef(join(repo.root, 'org'), 'HEAD', ['teams', 'changes']);
    expect([...tree.files.keys()]).toContain('teams/teams.yaml');
    expect([...tree.files.keys()]).not.toContain('teams/link.yaml');
    expect([...tree.files.keys()].every((f) => f.startsWith('teams/') || f.startsWith('changes/'))).toBe(true);
  });

  it('refuses files over the size cap unread', async () => {
    repo = await TestRepo.create({ 'teams/huge.yaml': '# ' + 'x'.repeat(5000) + '\n' });
    const tree = await readFilesAtRef(repo.root, 'HEAD', ['teams'], 1000);
    expect(tree.tooLarge.get('teams/huge.yaml')).toBeGreaterThan(1000);
    expect(tree.files.has('teams/huge.yaml')).toBe(false);
  });

  it('streams many blobs through one cat-file process, bytes intact', async () => {
    repo = await TestRepo.create();
    const files: Record<string, string> = {};
    for (let i = 0; i < 300; i++) files[`teams/t${i}.yaml`] = TEAM(`t${i}`, `m${i}`) + `# ${'é'.repeat(i)}\n`;
    await repo.commit(files, 'Many teams', me);
    const tree = await readFilesAtRef(repo.root, 'HEAD', ['teams']);
    expect(tree.files.size).toBe(301);
    expect(Buffer.from(tree.files.get('teams/t299.yaml')!).toString('utf8')).toBe(files['teams/t299.yaml']);
  });

  it('names a commit missing from the clone (a shallow checkout)', async () => {
    repo = await TestRepo.create();
    await expect(loadOrganisationAtRef(repo.root, 'f'.repeat(40))).rejects.toBeInstanceOf(GitObjectMissing);
    await expect(catFileBatch(repo.root, ['e'.repeat(40)])).rejects.toBeInstanceOf(GitObjectMissing);
  });
});

describe('pull-request history', () => {
  it('lists added, changed and deleted paths against the merge base', async () => {
    repo = await TestRepo.create();
    const base = await repo.sha();
    await repo.checkout('pr', true);
    await repo.commit({ 'teams/new.yaml': TEAM('new-team', 'a'), 'changes/CR-2026-0001.yaml': null }, 'PR work', me);
    const head = await repo.sha();
    await repo.checkout('main');
    await repo.commit({ 'services/other.yaml': 'x: 1\n' }, 'Unrelated work on main', me);
    expect((await changedPathsBetween(repo.root, 'main', head)).sort()).toEqual(['changes/CR-2026-0001.yaml', 'teams/new.yaml']);
    expect(await lastCommitTouching(repo.root, head, 'teams/new.yaml')).toBe(head);
    expect(await lastCommitTouching(repo.root, base, 'teams/new.yaml')).toBeUndefined();
  });

  it.each([
    ['a merge commit', 'merge', 'merge-commit'],
    ['a squash', 'squash', 'squash'],
    ['a rebase', 'rebase', 'rebase'],
  ] as const)('finds where the base stood before %s, from git parents and the commits GitHub lists', async (_name, how, method) => {
    repo = await TestRepo.create();
    await repo.commit({ 'teams/z.yaml': TEAM('z-team', 'z') }, 'Earlier work on main', me);
    const base = await repo.sha();
    await repo.checkout('pr', true);
    await repo.commit({ 'teams/a.yaml': TEAM('a-team', 'a') }, 'First\nwhose subject\n\nruns on', me);
    await repo.commit({ 'teams/b.yaml': TEAM('b-team', 'b') }, 'Second', me);
    const pr = await Promise.all(['pr~1', 'pr'].map(async (ref) => {
      const [email, date] = (await repo!.git.raw(['log', '-1', '--format=%ae%x00%aI', ref])).trim().split('\0');
      return { authorEmail: email!, authorDate: new Date(date!).toISOString() };
    }));
    await repo.checkout('main');
    const merged = how === 'merge' ? await repo.merge('pr', 'Merge pull request #1', me) : how === 'squash' ? await repo.squashMerge('pr', 'Add two teams (#1)', me) : await repo.rebaseMerge('pr', me);
    const line = await firstParentLine(repo.root, merged, pr.length + 1);
    expect(mergeBase(line, pr)).toEqual({ base, method });
    // Asked again after documentOrigins printed the history, it answers from that, and the same,
    // for every length (past the first commit too) and from every commit of the history.
    noteGraph('elsewhere', new Map());
    const fromGit = await Promise.all([1, 2, 3, 4, 9].map((n) => firstParentLine(repo!.root, merged, n)));
    const fromPr = await firstParentLine(repo.root, 'pr', 3);
    await documentOrigins(repo.root, 'main');
    expect(await Promise.all([1, 2, 3, 4, 9].map((n) => firstParentLine(repo!.root, merged, n)))).toEqual(fromGit);
    // The pull request's branch is in main's history only when it was merged as it was.
    expect(await firstParentLine(repo.root, 'pr', 3)).toEqual(fromPr);
    // Nine asked, the whole line given: the first commit ends it.
    expect(fromGit[4]!.length).toBe(how === 'rebase' ? 4 : 3);
  });

  it('does not answer the first-parent line from the history of a shallow clone, which a fetch can deepen', async () => {
    repo = await TestRepo.create();
    await repo.commit({ 'teams/z.yaml': TEAM('z-team', 'z') }, 'Second commit', me);
    await repo.commit({ 'teams/y.yaml': TEAM('y-team', 'y') }, 'Third commit', me);
    const head = await repo.sha();
    const clone = mkdtempSync(join(tmpdir(), 'opsledger-shallow-'));
    try {
      execFileSync('git', ['clone', '-q', '--depth', '1', `file://${repo.root}`, clone]);
      expect((await documentOrigins(clone, 'HEAD')).shallow).toBe(true);
      execFileSync('git', ['fetch', '-q', '--deepen', '2'], { cwd: clone });
      expect((await firstParentLine(clone, head, 3)).length).toBe(3);
    } finally {
      rmSync(clone, { recursive: true, force: true });
    }
  });

  it('answers the first-parent line from the history documentOrigins read, and asks git when that does not hold it', async () => {
    repo = await TestRepo.create();
    await repo.commit({ 'teams/z.yaml': TEAM('z-team', 'z') }, 'Second commit', me);
    const head = await repo.sha();
    const [parent] = (await repo.git.raw(['log', '-1', '--format=%P', head])).trim().split(' ');
    const emails = (await repo.git.raw(['log', '--first-parent', '--format=%ae', head])).trim().split('\n');
    // A history that is not the repository's: if it is used, its answer shows.
    const made = (email: string) => ({ parents: [parent!], authored: 1, authorEmail: email });
    noteGraph(repo.root, new Map([[head, made('noted@example.org')]]));
    // The line leaves the noted history at the parent: git answers the whole line.
    expect((await firstParentLine(repo.root, head, 2)).map((c) => c.authorEmail)).toEqual(emails);
    expect((await firstParentLine(repo.root, head, 1)).map((c) => c.authorEmail)).toEqual(['noted@example.org']);
    noteGraph(join(repo.root, 'other'), new Map([[head, made('other@example.org')]]));
    expect((await firstParentLine(repo.root, head, 1)).map((c) => c.authorEmail)).toEqual([me.email]);
    // A replace ref can make the line come back on itself: git is asked.
    noteGraph(repo.root, new Map([[head, { parents: [head], authored: 1, authorEmail: 'loop@example.org' }]]));
    expect((await firstParentLine(repo.root, head, 3)).map((c) => c.authorEmail)).toEqual(emails);
  });
});
