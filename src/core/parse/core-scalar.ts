import { Scalar, Schema, type ScalarTag } from 'yaml';

/**
 * Plain scalars resolved by the very tags the precise parser uses (the `yaml` package's YAML
 * 1.2 core schema), so `0b10`, `+0x1`, `-.5`, `yes` or `2026-11-22` can only ever mean one
 * thing whichever path reads them. Keeping a second table of regular expressions here is how
 * the two paths came to disagree before.
 */
const CORE_TAGS = new Schema({ schema: 'core', merge: false, resolveKnownTags: false }).tags.filter(
  (t): t is ScalarTag & { test: RegExp } => t.default === true && 'test' in t && t.test instanceof RegExp,
);

/**
 * Whether any core tag claims a text at all, as one expression: most plain scalars that reach
 * here (`15m`, `2026-11-22T10:00:00Z`, `1.2.3`) are text, and one match attempt costs a fifth
 * of asking the tags one by one. The tags' own expressions, joined, so it cannot disagree with
 * them; they carry no flags, and a tag with flags would make it fall back to asking each.
 */
const ANY_CORE = CORE_TAGS.every((t) => t.test.flags === '') ? new RegExp(CORE_TAGS.map((t) => `(?:${t.test.source})`).join('|')) : undefined;

const RESOLVE_OPTIONS = { intAsBigInt: false };
const ignore = (): void => undefined;

export function resolveCorePlain(s: string): unknown {
  if (ANY_CORE && !ANY_CORE.test(s)) return s;
  for (const tag of CORE_TAGS) {
    if (!tag.test.test(s)) continue;
    const resolved = tag.resolve(s, ignore, RESOLVE_OPTIONS as never);
    return resolved instanceof Scalar ? resolved.value : resolved;
  }
  return s;
}
