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

const RESOLVE_OPTIONS = { intAsBigInt: false };
const ignore = (): void => undefined;

export function resolveCorePlain(s: string): unknown {
  for (const tag of CORE_TAGS) {
    if (!tag.test.test(s)) continue;
    const resolved = tag.resolve(s, ignore, RESOLVE_OPTIONS as never);
    return resolved instanceof Scalar ? resolved.value : resolved;
  }
  return s;
}
