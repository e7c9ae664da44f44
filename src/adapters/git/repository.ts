import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { CommitStore, DocumentOrigins, GitRepository } from '../../app/ports/git.js';
import type { OrganisationSource, ReadFiles } from '../../app/ports/source.js';
import type { FileAnalysis } from '../../core/analyze.js';
import type { Diagnostic } from '../../core/diagnostics.js';
import { DATA_FOLDERS } from '../fs/discover.js';
import { DEFAULT_MAX_FILE_BYTES } from '../fs/read-policy.js';
import { BlobAnalysisCache } from './blob-cache.js';

// The git helpers pull in simple-git, and reading at a ref the YAML analysis and validators:
// they load on first use, so a command whose first question goes to GitHub (the gate) does not
// wait for them to ask it.
const readAtRefModule = () => import('./read-at-ref.js');
const prHistory = () => import('./pr-history.js');

/**
 * The organisation as it is in a commit, from bytes streamed out of git: the size cap of the
 * read policy applies, and symbolic links (mode 120000) are never followed, since a link in a
 * commit names a path on whatever machine reads it. With a blob cache, blobs it already holds
 * (by id and path) are neither read nor parsed again.
 */
async function readAtRef(root: string, ref: string, maxBytes: number, blobs?: BlobAnalysisCache): Promise<ReadFiles> {
  const [{ listFilesAtRef, catFileBatch, pathsAtCommit }, { analyzeFile }, { schemaRegistry }] = await Promise.all([readAtRefModule(), import('../../core/analyze.js'), import('../fs/schemas.js')]);
  const tree = await listFilesAtRef(root, ref, DATA_FOLDERS, maxBytes);
  const repositoryPaths = pathsAtCommit(root, tree.commit);
  // Awaited below; until then a failure must not count as unhandled.
  repositoryPaths.catch(() => undefined);
  const known = tree.files.map((f) => blobs?.get(f.oid, f.path));
  const missing = tree.files.filter((_, i) => !known[i]);
  const fetched = await catFileBatch(root, missing.map((f) => f.oid));
  const registry = missing.length ? schemaRegistry() : undefined;
  const bytesOf = new Map<string, Uint8Array>();
  let next = 0;
  const analyses = tree.files.map((f, i) => {
    let entry = known[i];
    if (!entry) {
      const bytes = fetched[next++]!;
      entry = { analysis: analyzeFile(f.path, bytes, registry!, { keepValues: true }), bytes };
      blobs?.set(f.oid, f.path, entry);
    }
    bytesOf.set(f.path, entry.bytes);
    return entry.analysis;
  });
  const discoveryDiagnostics: Diagnostic[] = [...tree.tooLarge].map(([file, size]) => ({ file, line: 1, column: 1, severity: 'error', code: 'file.too-large', message: `the file is ${size} bytes, over the limit for one YAML file`, pointer: '' }));
  return { commit: tree.commit, analyses, discoveryDiagnostics, source: (f) => bytesOf.get(f), repositoryPaths: await repositoryPaths, remember: async () => {} };
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
  return {
    root,
    ...(caches.organisations ? { organisations: caches.organisations } : {}),
    at: (ref: string): OrganisationSource => ({ root, ref, read: (request) => readAtRef(root, ref, request.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES, blobs) }),
    resolveCommit: async (ref) => (await readAtRefModule()).resolveCommit(root, ref),
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
