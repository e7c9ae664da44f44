import { joinPointer } from '../diagnostics.js';
import { globMatcher, globProblem } from '../glob.js';
import type { CrossFinding, FileRecords } from './references.js';

/**
 * A sensitive path (or a path tied to a service) that matches no file in the repository protects nothing, and nobody notices:
 * the pull request that changes the file it meant is reviewed as an ordinary one. Each pattern
 * is tried against the repository's files (tracked and untracked, not only the YAML ones);
 * patterns that do not parse are reported by the Policy's own checks instead.
 */
export function checkSensitivePaths(files: readonly FileRecords[], repositoryPaths: readonly string[]): CrossFinding[] {
  const out: CrossFinding[] = [];
  if (!readsRepositoryPaths(files)) return out;
  const matchesNothing = (glob: string) => {
    if (!glob || globProblem(glob)) return false;
    const match = globMatcher([glob]);
    return !repositoryPaths.some((p) => match(p));
  };
  for (const f of files) {
    for (const record of f.documents) {
      if (record.facts.kind !== 'Policy') continue;
      const warn = (pointer: string, code: string, message: string) => out.push({ file: f.file, document: record.index, pointer, target: 'value', severity: 'warning', code, message });
      (record.facts.sensitivePaths ?? []).forEach((glob, i) => {
        if (matchesNothing(glob)) warn(joinPointer('/spec/sensitivePaths', i), 'policy.sensitive-path-unmatched', `sensitive path "${glob}" matches no file in the repository, so it protects nothing`);
      });
      for (const [service, globs] of Object.entries(record.facts.servicePaths ?? {})) {
        globs.forEach((glob, i) => {
          if (matchesNothing(glob)) warn(joinPointer('/spec/servicePaths', service, i), 'policy.service-path-unmatched', `path "${glob}" of service ${service} matches no file in the repository, so no change to it is held to account`);
        });
      }
    }
  }
  return out;
}

/**
 * Whether any rule reads the repository's file list: only a policy's path patterns do. When
 * none does, the list cannot change a finding, and a cache need not ask git for it.
 */
export function readsRepositoryPaths(files: readonly FileRecords[]): boolean {
  return files.some((f) => f.documents.some((r) => r.facts.kind === 'Policy' && ((r.facts.sensitivePaths?.length ?? 0) > 0 || Object.keys(r.facts.servicePaths ?? {}).length > 0)));
}
