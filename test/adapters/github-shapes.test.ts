import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { GitHubMalformedResponse } from '../../src/adapters/github/errors.js';
import { createRequire } from 'node:module';
import { checkShape, PRECOMPILED_SHAPES_PATH, SHAPE_AJV_OPTIONS, SHAPE_SCHEMAS, shapesKey, type ShapeName } from '../../src/adapters/github/shapes.js';

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
  const ROWS: [ShapeName, unknown, boolean][] = [
    ['repository', { full_name: 'acme/ledger', default_branch: 'main' }, true],
    ['repository', { full_name: 'acme/ledger', default_branch: '' }, false],
    ['repository', { full_name: 'acme/ledger' }, false],
    ['reviews', [{ id: 1, user: { login: 'dana-lee' }, state: 'APPROVED', commit_id: SHA }], true],
    ['reviews', [{ id: 1, user: { login: 'dana-lee' }, state: 'LGTM', commit_id: SHA }], false],
    ['reviews', [{ id: 1, user: null, state: 'APPROVED', commit_id: 'not-a-sha' }], false],
    ['members', [{ login: 'dana-lee' }], true],
    ['members', [{ login: '' }], false],
    ['pull', { number: 7, state: 'closed', user: { login: 'a' }, head: { sha: SHA, ref: 'x' }, base: { sha: SHA, ref: 'main' }, merged_at: null, merge_commit_sha: null, html_url: 'u' }, true],
    ['pull', { number: 7, state: 'closed', user: { login: 'a' }, head: { sha: SHA.toUpperCase(), ref: 'x' }, base: { sha: SHA, ref: 'main' }, merged_at: null, merge_commit_sha: null, html_url: 'u' }, false],
    ['pull', { number: 0, state: 'closed', user: { login: 'a' }, head: { sha: SHA, ref: 'x' }, base: { sha: SHA, ref: 'main' }, merged_at: null, merge_commit_sha: null, html_url: 'u' }, false],
  ];
  it.each(ROWS)('checkShape(%s) on %j: accepted %s', (name, data, ok) => {
    if (ok) expect(checkShape(name, data, 'GET /x')).toBe(data);
    else expect(() => checkShape(name, data, 'GET /x')).toThrow(GitHubMalformedResponse);
  });

  it('a text answer is malformed whatever the shape', () => {
    expect(() => checkShape('repository', '<html>', 'GET /x')).toThrow(GitHubMalformedResponse);
  });

  // The build compiles the shapes ahead of time (scripts/precompile-schemas.mjs): the gate must
  // load that module, and it must judge every answer exactly as ajv compiling at run time does.
  describe('compiled at build', () => {
    const built = createRequire(import.meta.url)(PRECOMPILED_SHAPES_PATH) as { key: string; validators: Record<string, (d: unknown) => boolean> };
    const runtime = new Ajv2020({ ...SHAPE_AJV_OPTIONS, validateSchema: false });

    it("carries this build's key (the schemas, options and ajv version)", () => {
      expect(built.key).toBe(shapesKey());
      expect(Object.keys(built.validators).sort()).toEqual(Object.keys(SHAPE_SCHEMAS).sort());
    });

    it.each(ROWS)('%s on %j: the compiled module says %s, as ajv at run time', (name, data, ok) => {
      expect(built.validators[name]!(data)).toBe(ok);
      expect(runtime.compile(SHAPE_SCHEMAS[name] as object)(data)).toBe(ok);
    });
  });
});
