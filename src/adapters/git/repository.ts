import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { CommitStore, DocumentOrigins, GitRepository } from '../../app/ports/git.js';
import type { OrganisationSource, ReadFiles } from '../../app/ports/source.js';
import type { FileAnalysis } from '../../core/analyze.js';
import type { Diagnostic } from '../../core/diagnostics.js';
import { DATA_FOLDERS } from '../fs/discover.js';
import { DEFAULT_MAX_FILE_BYTES } from '../fs/read-policy.js';
import { BlobAnalysisCache } from './blob-cache.js';
import type { CommitValueCache } from './commit-values.js';

// The git helpers pull in simple-git, and reading at a ref the YAML analysis and validators:
// they load on first use, so a command whose first question goes to GitHub (the gate) does not
// wait for them to ask it.
const readAtRefModule = () => import('./read-at-ref.js');
const prHistory = () => import('./pr-history.js');

/**
 * The organisation as it is in a commit, from bytes streamed out of git: the size cap of the
 * read policy applies, and symbolic links (mode 120000) are never followed, since a link in a
 * commit names a path on whatever machine reads it. With a blob cache, blobs it already holds
 * (by id and path) are neither read nor parsed again; with a cache on disk, blobs an earlier
 * run parsed are read (code frames need their bytes) but not parsed.
 */
async function readAtRef(root: string, ref: string, maxBytes: number, blobs?: BlobAnalysisCache, disk?: CommitValueCache): Promise<ReadFiles> {
  const { readTreeAtRef, catFileBatch } = await readAtRefModule();
  const { listing: tree, paths: repositoryPaths } = await readTreeAtRef(root, ref, DATA_FOLDERS, maxBytes);
  const known = tree.files.map((f) => blobs?.get(f.oid, f.path));
  const missing = tree.files.filter((_, i) => !known[i]);
  const [fetched, stored] = await Promise.all([catFileBatch(root, missing.map((f) => f.oid)), disk ? disk.lookup(missing) : new Map<string, FileAnalysis>()]);
  // The parser, the validators and ajv load only when some file has to be parsed.
  const parse = missing.some((f) => !stored.has(f.path)) ? await parser() : undefined;
  const bytesOf = new Map<string, Uint8Array>();
  let next = 0;
  const analyses = tree.files.map((f, i) => {
    let entry = known[i];
    if (!entry) {
      const bytes = fetched[next++]!;
      entry = { analysis: stored.get(f.path) ?? parse!(f.path, bytes), bytes };
      blobs?.set(f.oid, f.path, entry);
    }
    disk?.note(f, entry.analysis);
    bytesOf.set(f.path, entry.bytes);
    return entry.analysis;
  });
  await disk?.save();
  const discoveryDiagnostics: Diagnostic[] = [...tree.tooLarge].map(([file, size]) => ({ file, line: 1, column: 1, severity: 'error', code: 'file.too-large', message: `the file is ${size} bytes, over the limit for one YAML file`, pointer: '' }));
  return { commit: tree.commit, analyses, discoveryDiagnostics, source: (f) => bytesOf.get(f), repositoryPaths, remember: async () => {} };
}

async function parser(): Promise<(path: string, bytes: Uint8Array) => FileAnalysis> {
  const [{ analyzeFile }, { schemaRegistry }] = await Promise.all([import('../../core/analyze.js'), import('../fs/schemas.js')]);
  const registry = schemaRegistry();
  return (path, bytes) => analyzeFile(path, bytes, registry, { keepValues: true });
}

/** The data files among some blobs, analysed once each by blob id and path (the blob cache). */
async function analyseBlobs(root: string, wanted: readonly { path: string; oid: string }[], maxBytes: number, blobs: BlobAnalysisCache): Promise<(FileAnalysis | undefined)[]> {
  const isData = (p: string) => /\.ya?ml$/i.test(p) && DATA_FOLDERS.some((d) => p.startsWith(`${d}/`));
  const known = wanted.map((w) => (isData(w.path) ? blobs.get(w.oid, w.path) : undefined));
  const missing = wanted.filter((w, i) => !known[i] && isData(w.path));
  if (!missing.length) return known.map((k) => k?.analysis);
  const [{ catFileBatch }, { analyzeFile }, { schemaRegistry }] = await Promise.all([readAtRefModule(), import('../../core/analyze.js'), import('../fs/schemas.js')]);
  const fetched = await catFileBatch(root, missing.map((w) => w.oid));
  const registry = schemaRegistry();
  let next = 0;
  return wanted.map((w, i) => {
    if (known[i]) return known[i]!.analysis;
    if (!isData(w.path)) return undefined;
    const bytes = fetched[next++]!;
    // As a read of the whole commit refuses it: an oversized file is no document.
    if (bytes.length > maxBytes) return undefined;
    const entry = { analysis: analyzeFile(w.path, bytes, registry, { keepValues: true }), bytes };
    blobs.set(w.oid, w.path, entry);
    return entry.analysis;
  });
}

/** What the App keeps across deliveries; a CLI run keeps nothing beyond itself. */
export interface GitCaches {
  blobs?: BlobAnalysisCache;
  organisations?: CommitStore;
  /**
   * Keep the analyses of the files read between runs, on disk in the repository's cache folder
   * (commit-values.ts). For the CLI's gate on a developer's or a deploy job's clone; never for a
   * bare mirror (the App keeps its caches in memory).
   */
  onDisk?: boolean;
}

/**
 * Git for one repository and one run. Answers that cannot change within a run (where each
 * document first appeared in a ref's history) are asked once per ref.
 */
export function openGitRepository(root: string, caches: GitCaches = {}): GitRepository {
  const origins = new Map<string, Promise<DocumentOrigins>>();
  // The gate and the CAB read two or three commits that differ in a file or two: without the
  // App's long-lived cache, one for this run still parses each blob once.
  const blobs = caches.blobs ?? new BlobAnalysisCache();
  const disk = new Map<number, Promise<CommitValueCache>>();
  const onDisk = (maxBytes: number) => {
    let found = disk.get(maxBytes);
    if (!found) disk.set(maxBytes, (found = import('./commit-values.js').then((m) => new m.CommitValueCache(root, maxBytes))));
    return found;
  };
  return {
    root,
    ...(caches.organisations ? { organisations: caches.organisations } : {}),
    at: (ref: string): OrganisationSource => ({
      root,
      ref,
      read: async (request) => {
        const maxBytes = request.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
        return readAtRef(root, ref, maxBytes, blobs, caches.onDisk && request.cache !== false ? await onDisk(maxBytes) : undefined);
      },
    }),
    resolveCommit: async (ref) => (await readAtRefModule()).resolveCommit(root, ref),
    firstCommitOf: async (refs) => (await readAtRefModule()).firstCommitOf(root, refs),
    changedFilesSince: async (ref) => (await import('./changed-files.js')).changedFilesSince(root, ref),
    changedPathsBetween: async (base, head) => (await prHistory()).changedPathsBetween(root, base, head),
    diffSizeBetween: async (base, head) => (await import('./diff-size.js')).diffSizeBetween(root, base, head),
    diffSizeSince: async (ref) => (await import('./diff-size.js')).diffSizeSince(root, ref),
    lastCommitTouching: async (ref, file) => (await prHistory()).lastCommitTouching(root, ref, file),
    firstParentLine: async (commit, count) => (await prHistory()).firstParentLine(root, commit, count),
    documentOrigins: (ref = 'HEAD') => {
      let found = origins.get(ref);
      if (!found) origins.set(ref, (found = import('./document-origins.js').then((m) => m.documentOrigins(root, ref))));
      return found;
    },
    repoPrefix: async () => (await prHistory()).repoPrefix(root),
    analyseBlobs: (wanted, maxBytes = DEFAULT_MAX_FILE_BYTES) => analyseBlobs(root, wanted, maxBytes, blobs),
    mainlineHistory: async (ref, since, until) => (await import('./mainline.js')).mainlineHistory(root, ref, since, until),
    fileHistory: async () => (await import('./file-history.js')).fileHistory(root, DATA_FOLDERS.filter((d) => existsSync(join(root, d)))),
  };
}
