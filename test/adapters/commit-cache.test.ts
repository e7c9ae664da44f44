import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BlobAnalysisCache } from '../../src/adapters/git/blob-cache.js';
import { openGitRepository, type GitCaches } from '../../src/adapters/git/repository.js';
import { CommitOrganisations, OrganisationsAtRefs } from '../../src/app/load-organisation.js';
import type { GitHubApi } from '../../src/app/ports/github.js';
import { reviewPullRequest, type PullReview } from '../../src/app/review-pull-request.js';
import { TestRepo } from '../helpers/git-repo.js';
import { MINIMAL_ORG } from '../helpers/org.js';

/**
 * The App's caches across deliveries (adapters/git/blob-cache.ts, CommitOrganisations): a
 * decision on a new head reads the base from the commit cache and parses only the head's
 * blobs it has not seen, and decides exactly as a decision without any cache.
 */
const admin = { name: 'Org Admin', email: 'admin@example.com' };
const CR = 'changes/CR-2026-0001.yaml';
const original = readFileSync(join(MINIMAL_ORG, CR), 'utf8');

/** GitHub as this pull request needs it: no team is mirrored from GitHub, so nothing may be asked. */
const github = new Proxy({} as GitHubApi, {
  get: (_t, name) => () => Promise.reject(new Error(`GitHub was asked ${String(name)}`)),
});

let repo: TestRepo;
let base: string;
let head1: string;
let head2: string;
let files: number;

beforeAll(async () => {
  repo = await TestRepo.create();
  base = await repo.sha();
  await repo.checkout('pr', true);
  head1 = await repo.commit({ [CR]: original.replace('Add an index for order lookups.', 'Add an index for order lookups by id.') }, 'head 1', admin);
  head2 = await repo.commit({ 'changes/CR-2026-0002.yaml': original.replaceAll('CR-2026-0001', 'CR-2026-0002') }, 'head 2', admin);
  files = (await repo.git.raw(['ls-tree', '-r', '--name-only', base])).split('\n').filter((f) => f.endsWith('.yaml')).length;
}, 60_000);

afterAll(() => repo.remove());

const decide = (caches: GitCaches, head: string) =>
  reviewPullRequest({ refs: new OrganisationsAtRefs(openGitRepository(repo.root, caches)), api: github, baseRef: base, headRef: head, author: 'joel-ortiz', headSha: head, reviews: [], commits: [], now: Date.parse('2026-11-20T00:00:00Z') });

/** What a decision says, as text (the organisations themselves are compared through their validation and changes). */
const verdict = (r: PullReview) => JSON.stringify({ changed: r.changed, subjects: r.subjects, invalid: r.invalid, met: r.met, base: r.base.validation, head: r.head.validation, headChanges: [...r.head.org.changes.keys()] });

describe('the App decides from its caches as it would without them', () => {
  it('parses every blob once, then only what a new head changed', async () => {
    const caches = { blobs: new BlobAnalysisCache(), organisations: new CommitOrganisations() };

    const first = await decide(caches, head1);
    expect(first.subjects.map((s) => s.subject)).toEqual(['CR-2026-0001']);
    // The base's blobs, and the one file head 1 changed; its other files were the base's.
    expect(caches.blobs.stats).toMatchObject({ parsed: files + 1, hits: files - 1 });
    expect(caches.organisations.counts).toEqual({ hits: 0, loads: 2 });

    // A review arrives: the same commits, nothing read or parsed again.
    const again = await decide(caches, head1);
    expect(caches.organisations.counts).toEqual({ hits: 2, loads: 2 });
    expect(caches.blobs.stats).toMatchObject({ parsed: files + 1, hits: files - 1 });
    expect(verdict(again)).toBe(verdict(first));

    // A push: the base from the commit cache, the new head's blobs from the blob cache but one.
    const pushed = await decide(caches, head2);
    expect(caches.organisations.counts).toEqual({ hits: 3, loads: 3 });
    expect(caches.blobs.stats).toMatchObject({ parsed: files + 2, hits: files - 1 + files });
    expect(pushed.subjects.map((s) => s.subject)).toEqual(['CR-2026-0001', 'CR-2026-0002']);

    expect(verdict(first)).toBe(verdict(await decide({}, head1)));
    expect(verdict(pushed)).toBe(verdict(await decide({}, head2)));
  });

  it.each([
    ['one commit kept', { maxCommits: 1, maxBytes: 1 << 30 }],
    ['room for a few blobs only', { maxCommits: 4, maxBytes: 4096 }],
    ['room for no blob', { maxCommits: 4, maxBytes: 1 }],
  ])('stays within its bounds (%s) and still decides the same', async (_name, bound) => {
    const caches = { blobs: new BlobAnalysisCache(bound.maxBytes), organisations: new CommitOrganisations(bound.maxCommits) };
    for (const head of [head1, head2, head1]) expect(verdict(await decide(caches, head))).toBe(verdict(await decide({}, head)));
    expect(caches.organisations.size).toBeLessThanOrEqual(bound.maxCommits);
    expect(caches.blobs.stats.bytes).toBeLessThanOrEqual(bound.maxBytes);
    if (bound.maxBytes < 1 << 20) expect(caches.blobs.stats.evicted + caches.blobs.stats.parsed).toBeGreaterThan(caches.blobs.stats.entries);
  });
});
