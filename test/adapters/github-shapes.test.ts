import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { GitHubMalformedResponse } from '../../src/adapters/github/errors.js';
import { checkShape, SHAPE_SCHEMAS, type ShapeName } from '../../src/adapters/github/shapes.js';

/**
 * The shapes of GitHub's answers compile at run time without the meta-schema check (it cost
 * most of a second per gate run); the check happens here, once, for every shape.
 */
const metaChecker = new Ajv2020({ strict: true });

describe('the shapes of GitHub answers', () => {
  it.each(Object.keys(SHAPE_SCHEMAS) as ShapeName[])('%s is a valid JSON Schema 2020-12', (name) => {
    expect(metaChecker.validateSchema(SHAPE_SCHEMAS[name] as object), JSON.stringify(metaChecker.errors)).toBe(true);
  });

  it('the meta-schema check refuses a broken schema (so the rows above can fail)', () => {
    expect(metaChecker.validateSchema({ type: 'strng' })).toBe(false);
    expect(metaChecker.validateSchema({ type: 'object', required: 'login' })).toBe(false);
  });

  const SHA = 'a'.repeat(40);
  it.each<[ShapeName, unknown, boolean]>([
    ['repository', { full_name: 'acme/ledger', default_branch: 'main' }, true],
    ['repository', { full_name: 'acme/ledger', default_branch: '' }, false],
    ['repository', { full_name: 'acme/ledger' }, false],
    ['reviews', [{ id: 1, user: { login: 'dana-lee' }, state: 'APPROVED', commit_id: SHA }], true],
    ['reviews', [{ id: 1, user: { login: 'dana-lee' }, state: 'LGTM', commit_id: SHA }], false],
    ['reviews', [{ id: 1, user: null, state: 'APPROVED', commit_id: 'not-a-sha' }], false],
    ['members', [{ login: 'dana-lee' }], true],
    ['members', [{ login: '' }], false],
  ])('checkShape(%s) on %j: accepted %s', (name, data, ok) => {
    if (ok) expect(checkShape(name, data, 'GET /x')).toBe(data);
    else expect(() => checkShape(name, data, 'GET /x')).toThrow(GitHubMalformedResponse);
  });

  it('a text answer is malformed whatever the shape', () => {
    expect(() => checkShape('repository', '<html>', 'GET /x')).toThrow(GitHubMalformedResponse);
  });
});
