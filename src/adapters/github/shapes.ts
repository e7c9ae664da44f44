import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
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

// validateSchema off: checking these schemas against the 2020-12 meta-schema compiled the
// meta-schema first, most of a second of the gate's own time on every run. The schemas are
// constants, so test/adapters/github-shapes.test.ts checks them against it once instead.
const ajv = new Ajv2020({ allErrors: false, strict: true, validateSchema: false });
const compiled = new Map<ShapeName, ValidateFunction>();

/** Returns `data` when it has the documented shape, else throws GitHubMalformedResponse. */
export function checkShape<T>(name: ShapeName, data: unknown, route: string): T {
  let validate = compiled.get(name);
  if (!validate) {
    validate = ajv.compile(SCHEMAS[name]);
    compiled.set(name, validate);
  }
  if (typeof data === 'string') throw new GitHubMalformedResponse(`${route}: the answer is not JSON`, route);
  if (!validate(data)) {
    const e = validate.errors?.[0];
    throw new GitHubMalformedResponse(`${route}: unexpected answer: ${e ? `${e.instancePath || '(body)'} ${e.message ?? ''}` : 'wrong shape'}`, route);
  }
  return data as T;
}
