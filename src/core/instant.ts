/**
 * Instants as opsledger files write them: ISO 8601 with a UTC offset or Z. A time without an
 * offset means different moments in different places, so it is not an instant and parses to
 * undefined (the schema refuses it too; this guards code that reads unvalidated input).
 */
const OFFSET_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

export function parseOffsetInstant(text: unknown): number | undefined {
  if (typeof text !== 'string' || !OFFSET_INSTANT.test(text)) return undefined;
  const t = Date.parse(text);
  return Number.isNaN(t) ? undefined : t;
}

/** UTC with whole seconds, the form opsledger writes when it stamps the current time. */
export function formatUtcInstant(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}
