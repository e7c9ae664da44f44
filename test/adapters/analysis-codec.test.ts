import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { decodeAnalyses, encodeAnalyses, encodeAnalysesWithDigests, recordsDigest } from '../../src/adapters/fs/analysis-codec.js';
import { analyzeOnDisk, type DiskAnalysis } from '../../src/adapters/fs/analyze-disk.js';
import { discover } from '../../src/adapters/fs/discover.js';
import { repositoryReader } from '../../src/adapters/fs/read-policy.js';
import { schemaRegistry } from '../../src/adapters/fs/schemas.js';
import { analyzeText } from '../../src/core/analyze.js';
import { HOSTILE_CASES } from '../hostile/cases.js';
import { PROJECT_ROOT } from '../helpers/org.js';

describe('the analysis wire format', () => {
  it('gives back exactly what it was given, for the whole example organisation', () => {
    const registry = schemaRegistry();
    const { files } = discover(PROJECT_ROOT);
    const reader = repositoryReader(PROJECT_ROOT, 1 << 20);
    const analyses = files.map((f) => analyzeOnDisk(reader, f.rel, registry));
    expect(analyses.length).toBeGreaterThan(50);
    // Every kind of record and reference is in there: typed, dependency, template, policy group.
    const refs = analyses.flatMap((a) => a.analysis.documents.flatMap((d) => d.refs));
    expect(refs.some((r) => r.typed && r.dependency)).toBe(true);
    expect(new Set(refs.map((r) => r.kind)).size).toBeGreaterThanOrEqual(5);
    expect(decodeAnalyses(encodeAnalyses(analyses))).toStrictEqual(analyses);
  });

  it('gives with the text the records digest of each analysis, as caches written before it hold them', () => {
    const registry = schemaRegistry();
    const { files } = discover(PROJECT_ROOT);
    const reader = repositoryReader(PROJECT_ROOT, 1 << 20);
    const analyses = files.map((f) => analyzeOnDisk(reader, f.rel, registry));
    const { text, digests } = encodeAnalysesWithDigests(analyses);
    expect(text).toBe(encodeAnalyses(analyses));
    expect(digests).toEqual(analyses.map((a) => recordsDigest(a.analysis)));
    // The digest is sha1 (base64, 22 characters) of the documents' wire text: what cache indexes already on disk compare against.
    const wires = JSON.parse(text) as unknown[][];
    expect(digests).toEqual(wires.map((w) => createHash('sha1').update(JSON.stringify(w.slice(7))).digest('base64').slice(0, 22)));
    expect(new Set(digests).size).toBeGreaterThan(50);
  });

  it('keeps diagnostics, missing stats and openslo namespaces', () => {
    const registry = schemaRegistry();
    const list: DiskAnalysis[] = HOSTILE_CASES.filter(([, content]) => typeof content === 'string').map(([name, content]) => ({ analysis: analyzeText(`services/${name}.yaml`, content as string, registry) }));
    const openslo = 'apiVersion: openslo/v1\nkind: Service\nmetadata:\n  name: checkout\nspec:\n  description: Checkout\n';
    list.push({ analysis: analyzeText('slos/openslo.yaml', openslo, registry), stat: { size: 1, mtimeMs: 1.5, ctimeMs: 2.5, ino: 7 } });
    expect(list.some((a) => a.analysis.diagnostics.length > 0)).toBe(true);
    expect(decodeAnalyses(encodeAnalyses(list))).toStrictEqual(list);
  });
});
