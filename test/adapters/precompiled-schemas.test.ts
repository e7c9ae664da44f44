import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import jsyaml from 'js-yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { discover } from '../../src/adapters/fs/discover.js';
import { lengthFirst, precompiledSource } from '../../src/adapters/fs/precompile-schemas.js';
import { loadPrecompiled, precompiledKey } from '../../src/adapters/fs/precompiled-schemas.js';
import { loadSchemas } from '../../src/adapters/fs/schemas.js';
import { createSchemaRegistry } from '../../src/core/schema/registry.js';
import { createRoutedRegistry, routedSchemaIds } from '../../src/core/schema/routes.js';
import { PROJECT_ROOT } from '../helpers/org.js';

/** Validators compiled at build time must judge every document exactly as ajv at run time does. */
const { schemas, digest } = loadSchemas();
const key = precompiledKey(digest);
// Inside the project, as dist/ is: the module requires ajv's runtime helpers from node_modules.
mkdirSync(join(PROJECT_ROOT, 'test-artifacts'), { recursive: true });
const dir = mkdtempSync(join(PROJECT_ROOT, 'test-artifacts', 'precompiled-'));
const modulePath = join(dir, 'schema-validators.cjs');
writeFileSync(modulePath, precompiledSource(schemas, key));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function documents(): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const f of discover(PROJECT_ROOT).files) {
    for (const doc of jsyaml.loadAll(readFileSync(f.abs, 'utf8'), undefined, { schema: jsyaml.CORE_SCHEMA })) {
      if (doc && typeof doc === 'object' && !Array.isArray(doc)) out.push(doc as Record<string, unknown>);
    }
  }
  return out;
}

/** Broken variants of a document: a missing spec, wrong types, an unknown property, bad formats. */
function broken(doc: Record<string, unknown>): Record<string, unknown>[] {
  const spec = (doc.spec ?? {}) as Record<string, unknown>;
  const wrongTypes = Object.fromEntries(Object.entries(spec).map(([k, v]) => [k, typeof v === 'string' ? 42 : typeof v === 'number' ? 'x' : Array.isArray(v) ? {} : 'x']));
  return [
    { ...doc, spec: undefined },
    { ...doc, spec: wrongTypes },
    { ...doc, spec: { ...spec, surprise: true } },
    { ...doc, metadata: { name: 'Not A Name!' } },
    JSON.parse(JSON.stringify(doc).replace(/"\d{4}-\d{2}-\d{2}T[^"]*"/g, '"2026-13-45T99:00"').replace(/"(\d+[mhd])"/g, '"$1x"')) as Record<string, unknown>,
  ];
}

describe('validators compiled at build time', () => {
  it('give the same verdict and the same errors as ajv at run time, on valid and broken documents', () => {
    const precompiled = loadPrecompiled(modulePath, key);
    expect(Object.keys(precompiled).length).toBeGreaterThanOrEqual(15);
    const ahead = createSchemaRegistry(schemas, precompiled);
    const runtime = createSchemaRegistry(schemas);
    const docs = documents();
    expect(docs.length).toBeGreaterThan(100);
    let invalid = 0;
    for (const doc of docs.flatMap((d) => [d, ...broken(d)])) {
      const a = ahead.validator(String(doc.apiVersion), String(doc.kind));
      const r = runtime.validator(String(doc.apiVersion), String(doc.kind));
      expect(a === undefined).toBe(r === undefined);
      if (!a || !r) continue;
      expect(a).not.toBe(r);
      const va = a(doc);
      const vr = r(doc);
      expect(va).toBe(vr);
      expect(a.errors ?? null).toStrictEqual(r.errors ?? null);
      if (!va) invalid++;
    }
    expect(invalid).toBeGreaterThan(docs.length * 2);
  });

  it('count characters by code point, as ajv does, at every length around each limit', () => {
    const ucs2length = (createRequire(import.meta.url)('ajv/dist/runtime/ucs2length') as { default: (s: string) => number }).default;
    const source = 'const func1 = require("ajv/dist/runtime/ucs2length").default;\nexports.min = (data0) => func1(data0) < 3;\nexports.max = (data0) => func1(data0) > 3;';
    const rewritten = lengthFirst(source);
    expect(rewritten).not.toContain('exports.min = (data0) => func1(data0) < 3;');
    const load = (code: string) => new Function('require', 'exports', code) as (r: (id: string) => unknown, e: Record<string, (s: string) => boolean>) => void;
    const requireHelper = () => ({ default: ucs2length });
    const [plain, fast]: Record<string, (s: string) => boolean>[] = [{}, {}];
    load(source)(requireHelper, plain!);
    load(rewritten)(requireHelper, fast!);
    const pieces = ['a', '\u{1F600}', '\uD800', '\uDC00', 'é'];
    // Every string of up to four pieces: pairs, lone halves of a pair and plain characters.
    let strings = [''];
    for (let round = 0; round < 4; round++) strings = [...strings, ...strings.flatMap((s) => pieces.map((p) => s + p))];
    strings = [...new Set(strings)];
    expect(strings.length).toBeGreaterThan(500);
    for (const s of strings) {
      expect(fast!.min!(s), JSON.stringify(s)).toBe(plain!.min!(s));
      expect(fast!.max!(s), JSON.stringify(s)).toBe(plain!.max!(s));
    }
  });

  it('are not used when their key does not match this build, or cannot be loaded', () => {
    expect(loadPrecompiled(modulePath, `${key}-other`)).toEqual({});
    expect(loadPrecompiled(join(dir, 'missing.cjs'), key)).toEqual({});
    const garbage = join(dir, 'garbage.cjs');
    writeFileSync(garbage, 'this is not javascript (');
    expect(loadPrecompiled(garbage, key)).toEqual({});
  });

  it('alone make a registry without ajv only when every routed schema has one', () => {
    const precompiled = loadPrecompiled(modulePath, key);
    const routed = routedSchemaIds(schemas);
    const alone = createRoutedRegistry(schemas, precompiled);
    for (const apiVersion of alone.apiVersions()) {
      for (const kind of alone.kinds(apiVersion)) expect(alone.validator(apiVersion, kind)).toBe(precompiled[alone.schemaId(apiVersion, kind)!]);
    }
    const { [routed[0]!]: _dropped, ...short } = precompiled;
    expect(() => createRoutedRegistry(schemas, short)).toThrow(routed[0]);
    expect(() => createRoutedRegistry(schemas, {})).toThrow();
  });
});
