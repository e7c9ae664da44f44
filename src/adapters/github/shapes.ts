import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { ValidateFunction } from 'ajv';
import { PACKAGE_ROOT } from '../fs/package-root.js';
import { GitHubMalformedResponse } from './errors.js';

/**
 * The fields opsledger reads from GitHub's answers, as schemas. Every answer is checked before
 * a field of it is trusted: an approval decided from a body that merely looked right would be
 * a hole in the gate. Only what we read is required; GitHub may add anything else.
 */
const login = { type: 'object', required: ['login'], properties: { login: { type: 'string', minLength: 1 } } };
const nullableLogin = { anyOf: [login, { type: 'null' }] };
const sha = { type: 'string', pattern: '^[0-9a-f]{40}$' };
const nullableString = { type: ['string', 'null'] };

const SCHEMAS = {
  repository: {
    type: 'object',
    required: ['full_name', 'default_branch'],
    properties: { full_name: { type: 'string' }, default_branch: { type: 'string', minLength: 1 } },
  },
  pull: {
    type: 'object',
    required: ['number', 'state', 'user', 'head', 'base', 'merged_at', 'merge_commit_sha', 'html_url'],
    properties: {
      number: { type: 'integer', minimum: 1 },
      state: { enum: ['open', 'closed'] },
      user: login,
      head: { type: 'object', required: ['sha', 'ref'], properties: { sha, ref: { type: 'string' } } },
      base: { type: 'object', required: ['sha', 'ref'], properties: { sha, ref: { type: 'string' } } },
      merged_at: nullableString,
      merge_commit_sha: { anyOf: [sha, { type: 'null' }] },
      commits: { type: 'integer', minimum: 0 },
      html_url: { type: 'string' },
      draft: { type: 'boolean' },
    },
  },
  pullSummaries: {
    type: 'array',
    items: {
      type: 'object',
      required: ['number', 'state', 'merged_at', 'base'],
      properties: {
        number: { type: 'integer', minimum: 1 },
        state: { enum: ['open', 'closed'] },
        merged_at: nullableString,
        base: { type: 'object', required: ['ref'], properties: { ref: { type: 'string' } } },
      },
    },
  },
  reviews: {
    type: 'array',
    items: {
      type: 'object',
      required: ['id', 'user', 'state', 'commit_id'],
      properties: {
        id: { type: 'integer' },
        user: nullableLogin,
        state: { enum: ['APPROVED', 'CHANGES_REQUESTED', 'COMMENTED', 'DISMISSED', 'PENDING'] },
        commit_id: { anyOf: [sha, { type: 'null' }] },
        submitted_at: { type: 'string' },
      },
    },
  },
  commits: {
    type: 'array',
    items: {
      type: 'object',
      required: ['sha', 'commit', 'author', 'committer'],
      properties: {
        sha,
        author: { anyOf: [login, { type: 'null' }, { type: 'object', maxProperties: 0 }] },
        committer: { anyOf: [login, { type: 'null' }, { type: 'object', maxProperties: 0 }] },
        commit: {
          type: 'object',
          required: ['message', 'author', 'committer'],
          properties: {
            message: { type: 'string' },
            author: { anyOf: [{ type: 'null' }, { type: 'object', properties: { email: { type: 'string' } } }] },
            committer: { anyOf: [{ type: 'null' }, { type: 'object', properties: { email: { type: 'string' } } }] },
          },
        },
      },
    },
  },
  members: { type: 'array', items: login },
  checkRuns: {
    type: 'object',
    required: ['check_runs'],
    properties: {
      check_runs: {
        type: 'array',
        items: {
          type: 'object',
          required: ['id', 'name', 'head_sha', 'status', 'conclusion', 'completed_at', 'output'],
          properties: {
            id: { type: 'integer' },
            name: { type: 'string' },
            head_sha: sha,
            status: { type: 'string' },
            conclusion: nullableString,
            completed_at: nullableString,
            output: { type: 'object', properties: { text: nullableString } },
            app: { anyOf: [{ type: 'null' }, { type: 'object', properties: { slug: { type: 'string' } } }] },
          },
        },
      },
    },
  },
  deployments: {
    type: 'array',
    items: {
      type: 'object',
      required: ['id', 'sha', 'environment', 'created_at'],
      properties: { id: { type: 'integer' }, sha, environment: { type: 'string' }, created_at: { type: 'string' } },
    },
  },
  deploymentStatuses: {
    type: 'array',
    items: {
      type: 'object',
      required: ['id', 'state', 'created_at'],
      properties: { id: { type: 'integer' }, state: { enum: ['error', 'failure', 'inactive', 'pending', 'success', 'queued', 'in_progress'] }, created_at: { type: 'string' } },
    },
  },
  labels: { type: 'array', items: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } } },
  created: { type: 'object', required: ['id'], properties: { id: { type: 'integer' } } },
  comments: {
    type: 'array',
    items: {
      type: 'object',
      required: ['id', 'user'],
      properties: { id: { type: 'integer' }, body: { type: 'string' }, user: { anyOf: [{ type: 'null' }, { type: 'object', required: ['login', 'type'], properties: { login: { type: 'string' }, type: { type: 'string' } } }] } },
    },
  },
} as const;

export type ShapeName = keyof typeof SCHEMAS;

/** The schemas themselves, for the test that checks them against the meta-schema. */
export const SHAPE_SCHEMAS: Readonly<Record<ShapeName, unknown>> = SCHEMAS;

/** ajv's options for the shapes, at build and at run time alike. */
export const SHAPE_AJV_OPTIONS = { allErrors: false, strict: true } as const;

/** Where `npm run build` writes the shapes compiled to JavaScript (scripts/precompile-schemas.mjs). */
export const PRECOMPILED_SHAPES_PATH = join(PACKAGE_ROOT, 'dist', 'github-shapes.cjs');

const require = createRequire(import.meta.url);

/** The schemas, the options and ajv's version: a compiled module is used only when all three are this build's. */
export function shapesKey(): string {
  let version = '?';
  try {
    version = (require('ajv/package.json') as { version: string }).version;
  } catch {
    // a bundle: nothing precompiled matches it anyway
  }
  return createHash('sha1').update(JSON.stringify([SCHEMAS, SHAPE_AJV_OPTIONS, version])).digest('hex').slice(0, 20);
}

/**
 * Compiling the shapes with ajv (and loading ajv's compiler) was a quarter of the gate's own
 * CPU time on every run, so the build compiles them once; a run loads that module when its key
 * matches and compiles at run time otherwise (the Action's bundle, a build without the step).
 */
function precompiledShapes(): Partial<Record<ShapeName, ValidateFunction>> {
  try {
    const m = require(PRECOMPILED_SHAPES_PATH) as { key?: unknown; validators?: unknown };
    if (m.key === shapesKey() && m.validators && typeof m.validators === 'object') return m.validators as Partial<Record<ShapeName, ValidateFunction>>;
  } catch {
    // not built: compile below
  }
  return {};
}

const compiled: Partial<Record<ShapeName, ValidateFunction>> = precompiledShapes();

// Only when something is not precompiled: loading ajv's compiler costs more than the whole check.
// validateSchema off: checking these schemas against the 2020-12 meta-schema compiled the
// meta-schema first, most of a second of the gate's own time on every run. The schemas are
// constants, so test/adapters/github-shapes.test.ts checks them against it once instead.
const runtimeAjv = (Object.keys(SCHEMAS) as ShapeName[]).some((n) => typeof compiled[n] !== 'function') ? new (await ajv2020())({ ...SHAPE_AJV_OPTIONS, validateSchema: false }) : undefined;

/**
 * ajv's 2020-12 class. Node's loader gives the CommonJS module's exports by name; the one-file
 * bundles of the gate and validate load ajv from the split bundle's chunk, whose namespace has
 * the module only as `default`. Either way this is the class (a version of ajv newer than the
 * build's makes the precompiled shapes stale, and then this runs on every gate).
 */
type Ajv2020Class = typeof import('ajv/dist/2020.js').Ajv2020;

async function ajv2020(): Promise<Ajv2020Class> {
  const mod = (await import('ajv/dist/2020.js')) as unknown as { Ajv2020?: Ajv2020Class; default?: { Ajv2020?: Ajv2020Class } };
  const cls = mod.Ajv2020 ?? mod.default?.Ajv2020;
  if (typeof cls !== 'function') throw new Error('ajv/dist/2020.js has no Ajv2020 class');
  return cls;
}

/** Returns `data` when it has the documented shape, else throws GitHubMalformedResponse. */
export function checkShape<T>(name: ShapeName, data: unknown, route: string): T {
  let validate = compiled[name];
  if (typeof validate !== 'function') {
    validate = runtimeAjv!.compile(SCHEMAS[name]);
    compiled[name] = validate;
  }
  if (typeof data === 'string') throw new GitHubMalformedResponse(`${route}: the answer is not JSON`, route);
  if (!validate(data)) {
    const e = validate.errors?.[0];
    throw new GitHubMalformedResponse(`${route}: unexpected answer: ${e ? `${e.instancePath || '(body)'} ${e.message ?? ''}` : 'wrong shape'}`, route);
  }
  return data as T;
}
