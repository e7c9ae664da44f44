import { readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { diffSizeBetween } from '../../src/adapters/git/diff-size.js';
import { changedPathsBetween, firstParentLine, pullRequestBase } from '../../src/adapters/git/pr-history.js';
import { GitObjectMissing, resolveCommit } from '../../src/adapters/git/read-at-ref.js';
import { openGitRepository } from '../../src/adapters/git/repository.js';
import { TestRepo } from '../helpers/git-repo.js';
import { MINIMAL_ORG } from '../helpers/org.js';

/**
 * One GitRepository reading several commits (the gate, the CAB) analyses a file once when its
 * path and bytes are the same in each, and afresh when either differs: what a commit holds is
 * never answered from another commit's file.
 */
const me = { name: 'Mina Park', email: 'mina@northwind.example' };
let repo: TestRepo | undefined;
afterEach(() => {
  repo?.remove();
  repo = undefined;
});

const TEAM = (members: string) => `apiVersion: opsledger/v1\nkind: Team\nmetadata: {name: cab-board}\nspec:\n  members: [${members}]\n`;
const CHANGE = readFileSync(join(MINIMAL_ORG, 'changes', 'CR-2026-0001.yaml'), 'utf8');

describe('reading two commits through one GitRepository', () => {
  it('reuses the analysis of a file unchanged between them, and only that', async () => {
    repo = await TestRepo.create({ 'teams/cab.yaml': TEAM('dana-lee') });
    const first = await repo.sha();
    // Same bytes under a new name: the file name is part of the analysis (change.id-mismatch).
    const second = await repo.commit({ 'teams/cab.yaml': TEAM('dana-lee, Not A Login'), 'changes/CR-2026-0002.yaml': CHANGE }, 'Edit the board; copy a change', me);
    const git = openGitRepository(repo.root);
    const a = await git.at(first).read({});
    const b = await git.at(second).read({});
    const byFile = (r: typeof a) => new Map(r.analyses.map((x) => [x.file, x]));
    const [before, after] = [byFile(a), byFile(b)];

    for (const file of ['services/checkout/service.yaml', 'changes/calendar.yaml', 'changes/CR-2026-0001.yaml']) expect(after.get(file)).toBe(before.get(file));
    expect(after.get('teams/cab.yaml')).not.toBe(before.get('teams/cab.yaml'));
    expect(before.get('teams/cab.yaml')!.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(after.get('teams/cab.yaml')!.diagnostics.map((d) => d.code)).toContain('schema.pattern');
    expect(after.get('changes/CR-2026-0002.yaml')!.diagnostics.map((d) => d.code)).toContain('change.id-mismatch');
    expect(after.get('changes/CR-2026-0001.yaml')!.diagnostics.map((d) => d.code)).not.toContain('change.id-mismatch');
  });

  it('answers the first commit again with its own files after reading a later one', async () => {
    repo = await TestRepo.create({ 'teams/cab.yaml': TEAM('dana-lee') });
    const first = await repo.sha();
    const second = await repo.commit({ 'teams/cab.yaml': TEAM('dana-lee, eve') }, 'Add eve', me);
    const git = openGitRepository(repo.root);
    const members = async (ref: string) => (await git.at(ref).read({})).analyses.find((x) => x.file === 'teams/cab.yaml')!.values![0];
    expect(await members(first)).toMatchObject({ spec: { members: ['dana-lee'] } });
    expect(await members(second)).toMatchObject({ spec: { members: ['dana-lee', 'eve'] } });
    expect(await members(first)).toMatchObject({ spec: { members: ['dana-lee'] } });
  });
});

describe('resolveCommit', () => {
  it('asks git about a full commit id once, and about a name that can move every time', async () => {
    repo = await TestRepo.create({ 'teams/cab.yaml': TEAM('dana-lee') });
    const first = await repo.sha();
    expect(await resolveCommit(repo.root, 'main')).toBe(first);
    expect(await resolveCommit(repo.root, first)).toBe(first);
    const second = await repo.commit({ 'teams/cab.yaml': TEAM('dana-lee, eve') }, 'Add eve', me);
    expect(await resolveCommit(repo.root, 'main')).toBe(second);
    const unasked = await repo.commit({ 'teams/cab.yaml': TEAM('dana-lee, eve, finn') }, 'Add finn', me);
    // With the repository gone, only the remembered full ids still answer: those asked about,
    // and those a name resolved to (the gate reads `main`, then asks about its commit).
    renameSync(join(repo.root, '.git'), join(repo.root, 'moved-git'));
    expect(await resolveCommit(repo.root, first)).toBe(first);
    expect(await resolveCommit(repo.root, second)).toBe(second);
    await expect(resolveCommit(repo.root, 'main')).rejects.toBeInstanceOf(GitObjectMissing);
    await expect(resolveCommit(repo.root, unasked)).rejects.toBeInstanceOf(GitObjectMissing);
    renameSync(join(repo.root, 'moved-git'), join(repo.root, '.git'));
  });

  it('takes the commits and parents a first-parent log printed as known, and a parent as its child\'s merge base', async () => {
    repo = await TestRepo.create({ 'teams/cab.yaml': TEAM('dana-lee') });
    const parent = await repo.sha();
    const child = await repo.commit({ 'teams/cab.yaml': TEAM('dana-lee, eve') }, 'Add eve', me);
    const line = await firstParentLine(repo.root, child, 2);
    expect(line.map((c) => c.sha)).toEqual([child, parent]);
    renameSync(join(repo.root, '.git'), join(repo.root, 'moved-git'));
    try {
      expect(await resolveCommit(repo.root, parent)).toBe(parent);
      expect(await pullRequestBase(repo.root, parent, child)).toEqual({ mergeBase: parent, head: child });
      // Not the other way round: that one git must answer, and cannot.
      await expect(pullRequestBase(repo.root, child, parent)).rejects.toBeInstanceOf(GitObjectMissing);
    } finally {
      renameSync(join(repo.root, 'moved-git'), join(repo.root, '.git'));
    }
    // With git back, it agrees.
    expect((await pullRequestBase(repo.root, child, parent)).mergeBase).toBe(parent);
  });

  it('remembers no failure: a commit fetched later is found', async () => {
    repo = await TestRepo.create({ 'teams/cab.yaml': TEAM('dana-lee') });
    const other = await TestRepo.create({ 'teams/cab.yaml': TEAM('dana-lee, eve') });
    try {
      const theirs = await other.sha();
      await expect(resolveCommit(repo.root, theirs)).rejects.toBeInstanceOf(GitObjectMissing);
      await repo.git.fetch(other.root, 'main');
      expect(await resolveCommit(repo.root, theirs)).toBe(theirs);
    } finally {
      other.remove();
    }
  });
});

describe('a pull request\'s paths and size', () => {
  it('come from one numstat that lists what `git diff --name-only` lists and sums its lines', async () => {
    repo = await TestRepo.create({ 'teams/cab.yaml': TEAM('dana-lee'), 'docs/old.md': 'a\nb\n' });
    const base = await repo.sha();
    const head = await repo.commit({ 'teams/cab.yaml': TEAM('dana-lee, eve'), 'docs/new notes ü.md': 'one\ntwo\nthree\n', 'docs/blob.bin': '\u0000\u0001binary' }, 'Edit', me);
    await repo.git.rm(['docs/old.md']);
    await repo.git.commit('Remove old notes');
    const tip = await repo.sha();
    const names = (await repo.git.raw(['diff', '--name-only', '--no-renames', '--relative', '-z', base, tip, '--'])).split('\0').filter(Boolean);
    expect(await changedPathsBetween(repo.root, base, tip)).toEqual(names);
    expect(names).toEqual(expect.arrayContaining(['docs/new notes ü.md', 'docs/blob.bin', 'docs/old.md', 'teams/cab.yaml']));
    // Text lines summed, the binary file counted as a file without lines.
    expect(await diffSizeBetween(repo.root, base, tip)).toEqual({ files: 4, additions: 3 + 1, deletions: 1 + 2 });
    expect(head).not.toBe(tip);
  });
});
