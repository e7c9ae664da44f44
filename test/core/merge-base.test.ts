import { describe, expect, it } from 'vitest';
import { mergeBase, type LineCommit } from '../../src/core/merge-base.js';

/** Where a base stood before a merge, from git parents and GitHub's list of the commits only. */
const t = (s: number) => Date.UTC(2026, 10, 1, 12, 0, s);
const c = (sha: string, parents: string[], email: string, s: number): LineCommit => ({ sha, parents, authorEmail: email, authored: t(s) });
const pr = (email: string, s: number) => ({ authorEmail: email, authorDate: new Date(t(s)).toISOString() });

describe('mergeBase', () => {
  it.each([
    ['a merge commit: its first parent', [c('m', ['b', 'p2'], 'gh@x', 9), c('b', ['a'], 'o@x', 1)], [pr('me@x', 5), pr('me@x', 6)], { base: 'b', method: 'merge-commit' }],
    ['a merge queue commit with three parents', [c('m', ['b', 'p2', 'p3'], 'gh@x', 9)], [pr('me@x', 5), pr('me@x', 6)], { base: 'b', method: 'merge-commit' }],
    ['one commit, squashed or rebased alike', [c('s', ['b'], 'me@x', 9), c('b', ['a'], 'o@x', 1)], [pr('me@x', 5)], { base: 'b', method: 'single-commit' }],
    ['a rebase of two: the base is before both', [c('r2', ['r1'], 'me@x', 6), c('r1', ['b'], 'me@x', 5), c('b', ['a'], 'o@x', 1)], [pr('me@x', 5), pr('me@x', 6)], { base: 'b', method: 'rebase' }],
    ['a rebase whose commits have other authors', [c('r2', ['r1'], 'you@x', 6), c('r1', ['b'], 'me@x', 5), c('b', ['a'], 'o@x', 1)], [pr('ME@x', 5), pr('you@x', 6)], { base: 'b', method: 'rebase' }],
    ['a squash of two: the parent', [c('s', ['b'], 'me@x', 9), c('b', ['a'], 'o@x', 1), c('a', [], 'o@x', 0)], [pr('me@x', 5), pr('me@x', 6)], { base: 'b', method: 'squash' }],
  ])('%s', (_name, line, commits, expected) => {
    expect(mergeBase(line, commits)).toEqual(expected);
  });

  it.each([
    ['no commit in the clone', [], [pr('me@x', 5)]],
    ['a root commit', [c('s', [], 'me@x', 9)], [pr('me@x', 5)]],
    // One commit of the pull request sits before the merged commit but the line is no rebase of all of them: the base is not known.
    ['half a rebase', [c('x', ['r1'], 'other@x', 8), c('r1', ['b'], 'me@x', 5), c('b', ['a'], 'o@x', 1)], [pr('me@x', 5), pr('me@x', 6)]],
    ['a rebase whose line is cut short (shallow clone)', [c('r2', ['r1'], 'me@x', 6), c('r1', ['b'], 'me@x', 5)], [pr('me@x', 5), pr('me@x', 6)]],
  ])('%s: unknown, so the gate denies', (_name, line, commits) => {
    expect(mergeBase(line, commits)).toHaveProperty('unknown');
  });
});
