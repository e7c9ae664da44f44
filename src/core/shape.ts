/**
 * Checks for parsed YAML/JSON of unknown shape. Input from files and other tools is `unknown`
 * until looked at; these narrow it one step at a time without throwing, so a reader of
 * foreign data can report what is missing instead of failing on it.
 */
export type Obj = Record<string, unknown>;

/** A mapping: arrays and null are not, although typeof says 'object'. */
export function isObj(v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** The mapping, or undefined, so that lookups can chain with `?.`. */
export function obj(v: unknown): Obj | undefined {
  return isObj(v) ? v : undefined;
}

/** Any string, the empty one included: for fields whose presence matters more than content. */
export function anyString(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** A string with something in it besides white space: a blank name or kind counts as missing. */
export function nonBlank(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() !== '' ? v : undefined;
}

/** The array, or an empty one when the field is missing or not a list. */
export function list(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/** The string items of an array, skipping the rest; empty when it is not an array. */
export function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}
