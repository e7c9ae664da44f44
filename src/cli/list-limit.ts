import { positiveInt, UsageError } from './context.js';

/**
 * How many rows of a transitive closure `impact` and `risk` list by default. Every node is
 * counted and weighed whatever the limit; only the listing stops. A thousand rows is more than
 * anyone reads, and it keeps the output linear in the graph: down a chain each row's path is
 * as long as its distance, so listing all n rows writes about n²/2 ids (100k nodes: 5 billion).
 */
export const DEFAULT_LIST_LIMIT = 1000;

export const LIST_LIMIT_OPTIONS = {
  limit: { type: 'string', description: `rows to list, nearest first (default ${DEFAULT_LIST_LIMIT}); the total is always given`, example: '50' },
  all: { type: 'boolean', description: 'list every row, however many (written as it is produced)' },
} as const;

/** The row limit the flags ask for (undefined: no limit). */
export function listLimit(values: { limit?: string | undefined; all?: boolean | undefined }): number | undefined {
  if (values.all && values.limit !== undefined) throw new UsageError('--all and --limit contradict each other; pass one');
  if (values.all) return undefined;
  return positiveInt(values.limit, 'limit') ?? DEFAULT_LIST_LIMIT;
}

export const LIFT_HINT = '--limit N lists more, --all lists every one';

/** The line that says a list was cut, and how to see the rest. */
export function cutNote(what: string, shown: number, total: number): string {
  return `listed the nearest ${shown} of ${total} ${what}; ${LIFT_HINT}`;
}
