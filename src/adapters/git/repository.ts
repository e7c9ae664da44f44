import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { DocumentOrigins, GitRepository } from '../../app/ports/git.js';
import type { OrganisationSource, ReadFiles } from '../../app/ports/source.js';
import type { FileAnalysis } from '../../core/analyze.js';
import type { Diagnostic } from '../../core/diagnostics.js';
import { DATA_FOLDERS } from '../fs/discover.js';
import { DEFAULT_MAX_FILE_BYTES } from '../fs/read-policy.js';

// The git helpers pull in simple-git, and reading at a ref the YAML analysis and validators:
// they load on first use, so a command whose first question goes to GitHub (the gate) does not
// wait for them to ask it.
const readAtRefModule = () => import('./read-at-ref.js');
const prHistory = () => import('./pr-history.js');

const byPath = ([a]: [string, unknown], [b]: [string, unknown]) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The organisation as it is in a commit, from bytes streamed out of git: the size cap of the
 * read policy applies, and symbolic links (mode 120000) are never followed, since a link in a
 * commit names a path on whatever machine reads it.
 */
/**
 * Analyses already made in this run, by path, with the bytes they were made from. The gate and
 * the CAB read two or three commits that differ in a file or two: a file with the same path and
 * bytes analyses the same (the analysis is a function of both), so it is analysed once.
 */
type AnalysisMemo = Map<string, { bytes: Uint8Array; analysis: FileAnalysis }>;

function analyseOnce(memo: AnalysisMemo, file: string, bytes: Uint8Array, analyse: () => FileAnalysis): FileAnalysis {
  const known = memo.get(file);
  if (known && Buffer.compare(known.bytes, bytes) === 0) return known.analysis;
  const analysis = analyse();
  memo.set(file, { bytes, analysis });
  return analysis;
}

async function readAtRef(root: string, ref: string, maxBytes: number, memo: AnalysisMemo): Promise<ReadFiles> {
  const [{ readFilesAtRef }, { analyzeFile }, { schemaRegistry }] = await Promise.all([readAtRefModule(), import('../../core/analyze.js'), import('../fs/schemas.js')]);
  const { pathsAtCommit } = await readAtRefModule();
  const tree = await readFilesAtRef(root, ref, DATA_FOLDERS, maxBytes);
  const repositoryPaths = await pathsAtCommit(root, tree.commit);
  const registry = schemaRegistry();
  const analyses = [...tree.files].sort(byPath).map(([file, bytes]) => analyseOnce(memo, file, bytes, () => analyzeFile(file, bytes, registry, { keepValues: true })));
  const discoveryDiagnostics: Diagnostic[] = [...tree.tooLarge].map(([file, size]) => ({ file, line: 1, column: 1, severity: 'error', code: 'file.too-large', message: `the file is ${size} bytes, over the limit for one YAML file`, pointer: '' }));
  return { commit: tree.commit, analyses, discoveryDiagnostics, source: (f) => tree.files.get(f), repositoryPaths, remember: async () => {} };
}

/**
 * Git for one repository and one run. Answers that cannot change within a run (where each
 * document first appeared in a ref's history) are asked once per ref.
 */
export function openGitRepository(root: string): GitRepository {
  const origins = new Map<string, Promise<DocumentOrigins>>();
  const analysed: AnalysisMemo = new Map();
  return {
    root,
    at: (ref: string): OrganisationSource => ({ root, ref, read: (request) => readAtRef(root, ref, request.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES, analysed) }),
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
    fileHistory: async () => (await import('./file-history.js')).fileHistory(root, DATA_FOLDERS.filter((d) => existsSync(join(root, d)))),
  };
}
