import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { credentialEnv, RepositoryMirrors } from '../../src/adapters/git/mirror.js';
import { openGitRepository } from '../../src/adapters/git/repository.js';
import { TestRepo } from '../helpers/git-repo.js';

/** The App's bare mirrors: fetched from a clone URL, read with the same git reads as a working tree. */
const cleanup: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanup.splice(0)) c();
});

describe('RepositoryMirrors', () => {
  it('mirrors a repository and answers the git questions as its working tree does', async () => {
    const repo = await TestRepo.create({ 'changes/CR-2026-0001.yaml': 'kind: ChangeRequest\nmetadata:\n  name: CR-2026-0001\n' });
    const second = await repo.commit({ 'changes/CR-2026-0002.yaml': 'kind: ChangeRequest\nmetadata:\n  name: CR-2026-0002\n' }, 'Second', { name: 'A', email: 'a@example.com' });
    const dir = mkdtempSync(join(tmpdir(), 'opsledger-mirrors-'));
    cleanup.push(() => repo.remove(), () => rmSync(dir, { recursive: true, force: true }));
    const mirrors = new RepositoryMirrors(dir);
    const path = await mirrors.sync({ id: 42, cloneUrl: repo.root, defaultBranch: 'main' }, 'ghs_not_used_for_local_paths');
    // A second fetch of a warm mirror is a no-op, not an error.
    await mirrors.sync({ id: 42, cloneUrl: repo.root, defaultBranch: 'main' }, 'ghs_not_used_for_local_paths');
    const [bare, tree] = [openGitRepository(path), openGitRepository(repo.root)];
    expect(await bare.resolveCommit('main')).toBe(second);
    expect(await bare.changedPathsBetween(`${second}~1`, second)).toEqual(await tree.changedPathsBetween(`${second}~1`, second));
    // The lead-time fact: where each change first appeared, the same from the mirror as from the clone.
    const origins = async (git: typeof bare) => [...(await git.documentOrigins('main')).byId].sort();
    expect((await origins(tree)).map(([id]) => id)).toEqual(['CR-2026-0001', 'CR-2026-0002']);
    expect(await origins(bare)).toEqual(await origins(tree));
    expect(readFileSync(join(path, 'HEAD'), 'utf8').trim()).toBe('ref: refs/heads/main');
  });

  it.each([
    ['a repository id that is not one', { id: -1, cloneUrl: '/x', defaultBranch: 'main' }],
    ['a branch name that climbs out', { id: 1, cloneUrl: '/x', defaultBranch: '../../etc' }],
  ])('refuses %s', async (_name, repo) => {
    const dir = mkdtempSync(join(tmpdir(), 'opsledger-mirrors-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    await expect(new RepositoryMirrors(dir).sync(repo, 't')).rejects.toMatchObject({ code: 'git.mirror' });
  });

  it('reports a fetch that fails as git.fetch, without the token', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'opsledger-mirrors-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const err = await new RepositoryMirrors(dir).sync({ id: 7, cloneUrl: join(dir, 'nowhere.git'), defaultBranch: 'main' }, 'ghs_secret_token_value').catch((e: Error & { code: string }) => e);
    expect(err).toMatchObject({ code: 'git.fetch' });
    expect(String((err as Error).message)).not.toContain('ghs_secret_token_value');
    expect(execFileSync('git', ['config', '--list', '--local'], { cwd: join(dir, '7.git') }).toString()).not.toMatch(/extraheader/i);
  });
});

describe('RepositoryMirrors: cancelling a fetch', () => {
  it('an abort stops a held fetch and its transport helper, leaves no lock, and the next fetch works', async () => {
    const held = new Set<Socket>();
    const server = createServer(() => undefined);
    server.on('connection', (c) => held.add(c));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/acme/ledger.git`;
    const repo = await TestRepo.create({ 'README.md': 'x\n' });
    const dir = mkdtempSync(join(tmpdir(), 'opsledger-mirrors-'));
    cleanup.push(() => repo.remove(), () => rmSync(dir, { recursive: true, force: true }), () => (held.forEach((c) => c.destroy()), server.close()));
    const mirrors = new RepositoryMirrors(dir);
    const gitProcesses = () => execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' }).split('\n').filter((l) => l.includes(url));
    const work = new AbortController();
    const fetching = mirrors.sync({ id: 9, cloneUrl: url, defaultBranch: 'main' }, 'ghs_x', work.signal).catch((e: Error & { code: string }) => e);
    for (let i = 0; i < 400 && held.size === 0; i++) await new Promise((r) => setTimeout(r, 25));
    expect(held.size).toBeGreaterThan(0);
    // The fetch and git's HTTP transport (remote-http) are both running.
    expect(gitProcesses().length).toBeGreaterThanOrEqual(2);
    work.abort();
    expect(await fetching).toMatchObject({ code: 'git.fetch', message: expect.stringContaining('cancelled') });
    expect(gitProcesses()).toEqual([]);
    // The mirror is usable at once: no lock file left, and the per-repository lock released.
    const path = await mirrors.sync({ id: 9, cloneUrl: repo.root, defaultBranch: 'main' }, 'ghs_x');
    expect(await openGitRepository(path).resolveCommit('main')).toBe(await openGitRepository(repo.root).resolveCommit('main'));
  }, 60_000);

  it('an aborted signal starts no git at all', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'opsledger-mirrors-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    await expect(new RepositoryMirrors(dir).sync({ id: 3, cloneUrl: '/nowhere', defaultBranch: 'main' }, 't', AbortSignal.abort())).rejects.toMatchObject({ code: 'git.fetch' });
    expect(existsSync(join(dir, '3.git', 'HEAD'))).toBe(false);
  });
});

describe('credentialEnv', () => {
  it.each([
    ['https://github.com/acme/ledger.git', 'http.https://github.com/.extraHeader'],
    ['https://ghes.example.com:8443/acme/ledger.git', 'http.https://ghes.example.com:8443/.extraHeader'],
    ['/srv/git/ledger.git', undefined],
    ['file:///srv/git/ledger.git', undefined],
  ])('%s: the header is scoped to %s', (url, key) => {
    const env = credentialEnv(url, 'ghs_abc');
    expect(env.GIT_CONFIG_KEY_0).toBe(key);
    if (key) expect(Buffer.from(env.GIT_CONFIG_VALUE_0!.replace('Authorization: Basic ', ''), 'base64').toString()).toBe('x-access-token:ghs_abc');
  });
});
