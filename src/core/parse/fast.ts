import jsyaml from 'js-yaml';
import { readBlockSubset } from './block-subset.js';

/**
 * The fast path: js-yaml's CORE_SCHEMA (YAML 1.2 core, the same value rules as the `yaml`
 * package's default, so timestamps stay strings) parses a clean file several times faster than
 * the `yaml` package. It keeps no positions; files that need positions (any diagnostic) are
 * parsed again precisely. Anything unusual returns `undefined` and the caller takes the precise
 * path, which is authoritative: the fast path may only ever agree with it or step aside.
 * Most files never reach js-yaml at all: the block-subset reader gives the same values for
 * the plain block YAML that catalogues are written in, faster.
 */
const ALIAS = /(?:^|[\s[{,:-])\*[^\s,\]}]/m;

export function fastParse(text: string): unknown[] | undefined {
  const subset = readBlockSubset(text);
  if (subset) return subset;
  // Aliases are legal but are how resource-exhaustion bombs are built; the precise parser
  // counts them, so files that use them go there.
  if (text.includes('*') && ALIAS.test(text)) return undefined;
  try {
    return jsyaml.loadAll(text, undefined, { schema: jsyaml.CORE_SCHEMA, json: false });
  } catch {
    return undefined;
  }
}
