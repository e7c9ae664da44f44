import { isAlias, isMap, isPair, isScalar, isSeq, type Alias, type Document, type Node as YamlNode } from 'yaml';

/**
 * A parsed document turned into plain values in one pass over its nodes, in document order.
 * The `yaml` package's own `toJS` finds each alias's anchor by scanning the document again,
 * which made 20,000 aliases in a 60 KB file cost 45 s; here anchors sit in a map as they are
 * met, so the work is linear in the document. Each anchored node is built once and every alias
 * to it shares that value, as `toJS` does; what the budget counts is the size a reader that
 * walks the value (the schema checks, the unsafe-key scan) would see, which is what an alias
 * bomb inflates.
 */

/** How many nodes aliases may add to a file, all its documents together. */
export const MAX_ALIAS_NODES = 10_000;
/**
 * Far deeper than any catalogue (a dozen levels), and half the depth at which the `yaml`
 * composer's recursion was measured to exhaust a main thread's stack (900 to 2,000 levels,
 * varying with the JIT's state): the node budget refuses nesting past it on the text, so the
 * composer never gets near its limit and the refusal is at the same place on every machine.
 */
export const MAX_DEPTH = 500;

export interface PlainProblem {
  code: 'yaml.alias' | 'yaml.alias-limit' | 'yaml.key' | 'yaml.duplicate-key' | 'yaml.too-deep';
  message: string;
  range: [number, number];
}

export interface AliasBudget {
  /** Nodes aliases have added so far, shared by the documents of one file. */
  used: number;
}

class Stop {
  constructor(readonly problem: PlainProblem) {}
}

interface Built {
  value: unknown;
  size: number;
}

const BUILDING: Built = { value: undefined, size: 0 };

function rangeOf(node: unknown): [number, number] {
  const r = (node as { range?: [number, number, number] } | null | undefined)?.range;
  return r ? [r[0], r[1]] : [0, 0];
}

export function plainValue(doc: Document.Parsed, budget: AliasBudget): { value: unknown } | { problem: PlainProblem } {
  // Anchor name -> the node it names most recently; a name may be reused, and an alias
  // means the latest anchor before it.
  const anchors = new Map<string, YamlNode>();
  const built = new Map<YamlNode, Built>();

  const alias = (node: Alias): Built => {
    const target = anchors.get(node.source);
    if (!target) throw new Stop({ code: 'yaml.alias', message: `the alias *${node.source} has no anchor &${node.source} before it`, range: rangeOf(node) });
    const done = built.get(target);
    // `&a [*a]`: a value that contains itself, which no reader can walk to the end of.
    if (!done || done === BUILDING) throw new Stop({ code: 'yaml.alias', message: `the alias *${node.source} refers to the node that contains it`, range: rangeOf(node) });
    budget.used += done.size;
    if (budget.used > MAX_ALIAS_NODES) {
      throw new Stop({ code: 'yaml.alias-limit', message: `aliases expand past ${MAX_ALIAS_NODES} nodes; this looks like an alias bomb`, range: rangeOf(node) });
    }
    return done;
  };

  const build = (node: unknown, depth: number): Built => {
    if (node === null || node === undefined) return { value: null, size: 1 };
    if (isAlias(node)) return alias(node);
    if (depth > MAX_DEPTH) throw new Stop({ code: 'yaml.too-deep', message: 'nesting is too deep or the document too large to read safely', range: rangeOf(node) });
    const anchor = (node as YamlNode & { anchor?: string }).anchor;
    if (anchor) {
      anchors.set(anchor, node as YamlNode);
      built.set(node as YamlNode, BUILDING);
    }
    let result: Built;
    if (isScalar(node)) result = { value: node.value, size: 1 };
    else if (isSeq(node)) {
      const out: unknown[] = [];
      let size = 1;
      for (const item of node.items) {
        const b = build(item, depth + 1);
        out.push(b.value);
        size += b.size;
      }
      result = { value: out, size };
    } else if (isMap(node)) {
      const out: Record<string, unknown> = {};
      let size = 1;
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const k = build(pair.key, depth + 1);
        if (k.value !== null && typeof k.value === 'object') {
          throw new Stop({ code: 'yaml.key', message: 'a mapping key must be a single value (text, number, true/false or null), not a list or mapping', range: rangeOf(pair.key) });
        }
        const key = k.value === null ? '' : String(k.value);
        // `1:` and `"1":` are different keys to YAML but the same property to every reader of
        // the value: whichever came last would win silently.
        if (Object.prototype.hasOwnProperty.call(out, key)) {
          throw new Stop({ code: 'yaml.duplicate-key', message: 'duplicate mapping key', range: rangeOf(pair.key) });
        }
        const v = build(pair.value, depth + 1);
        // As `toJS` does: a key such as __proto__ becomes an own property, never the prototype.
        if (key in out) Object.defineProperty(out, key, { value: v.value, writable: true, enumerable: true, configurable: true });
        else out[key] = v.value;
        size += k.size + v.size;
      }
      result = { value: out, size };
    } else {
      result = { value: null, size: 1 };
    }
    if (anchor) built.set(node as YamlNode, result);
    return result;
  };

  try {
    return { value: build(doc.contents, 0).value };
  } catch (e) {
    if (e instanceof Stop) return { problem: e.problem };
    throw e;
  }
}
