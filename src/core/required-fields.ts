import { obj } from './shape.js';

/**
 * What a change has filled in, as the dotted paths a standard-change template's requiredFields
 * names (`rollback.steps`, `verification`, `schedule`): every object key whose value is
 * something, at any depth, arrays counted as a whole. Empty text, an empty list or object and
 * null are not filled: `verification: []` does not meet a template that requires verification.
 * validate (through the change's record) and risk (deciding whether a standard change stays in
 * its template) both ask this one function.
 */
export function filledPaths(spec: unknown, prefix = ''): string[] {
  const out: string[] = [];
  const o = obj(spec);
  if (!o) return out;
  for (const [key, value] of Object.entries(o)) {
    if (!filled(value)) continue;
    const path = prefix + key;
    out.push(path);
    if (obj(value)) out.push(...filledPaths(value, path + '.'));
  }
  return out;
}

function filled(value: unknown): boolean {
  if (value === null || value === undefined) return false;
  if (typeof value === 'string') return value.trim() !== '';
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') return Object.values(value).some(filled);
  return true;
}

/** The template's required fields the change leaves empty, in the template's order. */
export function missingFields(filledIn: readonly string[], required: readonly string[] | undefined): string[] {
  const have = new Set(filledIn);
  return (required ?? []).filter((f) => !have.has(f));
}
