import { describe, expect, it } from 'vitest';
import { runUrl } from '../../src/cli/github/session.js';

/** The "Details" link of opsledger's statuses: the run page, or nothing when the runner's variables are not what it sets. */
describe('runUrl', () => {
  const ok = { GITHUB_SERVER_URL: 'https://github.com', GITHUB_REPOSITORY: 'acme/ledger', GITHUB_RUN_ID: '123' };
  it.each([
    ['github.com', ok, 'https://github.com/acme/ledger/actions/runs/123'],
    ['Enterprise Server under a path', { ...ok, GITHUB_SERVER_URL: 'https://ghe.example.com/git/' }, 'https://ghe.example.com/git/acme/ledger/actions/runs/123'],
    ['outside Actions', {}, undefined],
    ['no run id', { ...ok, GITHUB_RUN_ID: '' }, undefined],
    ['a run id that is not a number', { ...ok, GITHUB_RUN_ID: '1/../../x' }, undefined],
    ['a server that is not a web address', { ...ok, GITHUB_SERVER_URL: 'javascript:alert(1)' }, undefined],
    ['a repository that is not owner/name', { ...ok, GITHUB_REPOSITORY: 'acme/ledger/../x' }, undefined],
  ])('%s', (_name, env, url) => {
    expect(runUrl(env)).toBe(url);
  });
});
