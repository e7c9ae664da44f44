import type { Workspace } from '../app/ports/workspace.js';
import { writeFileAtomic } from './fs/atomic-write.js';
import { withFileLock } from './fs/file-lock.js';
import { findChangeFile } from './fs/find-change-file.js';
import { repositoryReader } from './fs/read-policy.js';
import { worktreeSource } from './fs/worktree-source.js';
import { commitRecord } from './git/record-commit.js';
import { openGitRepository } from './git/repository.js';
import { join } from 'node:path';

const decoder = new TextDecoder();

/** The working tree at `root`, with the read policy, the one atomic writer and git. */
export function openWorkspace(root: string): Workspace {
  const reader = repositoryReader(root);
  return {
    root,
    source: worktreeSource(root),
    git: openGitRepository(root),
    readText: (rel) => {
      const bytes = reader.source(rel);
      return bytes && decoder.decode(bytes);
    },
    writeText: (rel, text) => writeFileAtomic(join(root, rel), text),
    withFileLock: (rel, fn) => withFileLock(join(root, rel), fn),
    findChangeFile: (id, holds) => findChangeFile(root, id, holds),
    findIncidentFile: (id, holds) => findChangeFile(root, id, holds, `incidents/${id}.yaml`),
    commitRecord: (step, options) => commitRecord(root, step, options),
  };
}
