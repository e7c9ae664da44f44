import { createHash } from 'node:crypto';
import { lstatSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { DocumentOrigin, DocumentOrigins, GitRepository, UnknownOrigin } from '../../app/ports/git.js';
import { CACHE_DIR } from '../fs/cache.js';
import { cacheFolderRefusal, writeCacheFile } from '../fs/cache-folder.js';
import { readOwnFile } from '../fs/read-policy.js';
import { codeDigest } from '../fs/version.js';
import { gitOutput } from './run-git.js';

/**
 * Document origins (document-origins.ts) kept between runs in the organisation's cache folder.
 * They are read off the whole history of a ref (one `git log -p` over the data folders, about
 * 4 s of CPU at 20k changes), and that history cannot change while the ref names the same
 * commit: an edit loop (`opsledger start`, a catalog rebuilt after each save) edits files, not
 * commits. So the answer is kept under the commit the ref resolved to, with everything else git
 * reads the history through (replace refs) and the code that parses it. Any of them different,
 * or the file unreadable, malformed or too large: the history is read again and the file
 * replaced. A shallow clone or a repository with grafts is never cached.
 *
 * Only the catalog asks here (writeCatalog): its pages show lead times but decide nothing. The
 * cache folder can be committed by a pull request, and a forged file would need the hash of a
 * commit that contains it, which no commit can; still, the gate and the review read the history
 * itself.
 */
const FILE = 'git-origins.json';
const FORMAT = 1;
/** 20k changes take about 2 MB; a file far larger is not read. */
const MAX_BYTES = 64 * 1024 * 1024;

interface Stored {
  format: number;
  key: string;
  shallow: boolean;
  byId: [string, DocumentOrigin | UnknownOrigin][];
}

/**
 * What the history of `ref` is read through, as one key; undefined when it cannot be kept: no
 * repository or no commit, a shallow clone (its boundary moves with every fetch; CI clones are
 * shallow and start without a cache anyway) or grafts (a file that rewrites parents).
 */
async function historyKey(root: string, ref: string): Promise<string | undefined> {
  try {
    const [shallow, grafts] = (await gitOutput(root, ['rev-parse', '--is-shallow-repository', '--git-path', 'info/grafts'])).split('\n').map((l) => l.trim());
    if (shallow !== 'false' || !grafts || lstatSync(resolve(root, grafts), { throwIfNoEntry: false })) return undefined;
    const [head, replaced] = await Promise.all([
      gitOutput(root, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`]),
      gitOutput(root, ['for-each-ref', '--format=%(objectname) %(refname)', 'refs/replace/']),
    ]);
    if (!/^[0-9a-f]{40,64}$/.test(head.trim())) return undefined;
    return createHash('sha256').update(JSON.stringify([FORMAT, codeDigest(), ref, head.trim(), replaced])).digest('hex');
  } catch {
    return undefined;
  }
}

function isOrigin(o: unknown): o is DocumentOrigin | UnknownOrigin {
  if (typeof o !== 'object' || o === null) return false;
  const r = o as Record<string, unknown>;
  if (r.unknown === 'shallow-clone') return Object.keys(r).length === 1;
  return typeof r.commit === 'string' && typeof r.at === 'number' && Number.isFinite(r.at) && typeof r.workStartedAt === 'number' && Number.isFinite(r.workStartedAt) && Object.keys(r).length === 3;
}

function readStored(path: string, key: string): DocumentOrigins | undefined {
  try {
    const s = JSON.parse(readOwnFile(path, MAX_BYTES).toString('utf8')) as Stored;
    if (s?.format !== FORMAT || s.key !== key || typeof s.shallow !== 'boolean' || !Array.isArray(s.byId)) return undefined;
    const byId = new Map<string, DocumentOrigin | UnknownOrigin>();
    for (const entry of s.byId) {
      if (!Array.isArray(entry) || entry.length !== 2 || typeof entry[0] !== 'string' || !isOrigin(entry[1])) return undefined;
      byId.set(entry[0], entry[1]);
    }
    return { shallow: s.shallow, byId };
  } catch {
    return undefined;
  }
}

function store(dir: string, key: string, origins: DocumentOrigins): void {
  try {
    writeCacheFile(dir, FILE, JSON.stringify({ format: FORMAT, key, shallow: origins.shallow, byId: [...origins.byId] } satisfies Stored));
  } catch {
    // Only the next run's shortcut is lost.
  }
}

/** `git` with documentOrigins answered from the cache folder of the organisation at `root` when its history is the one the cache was made from. */
export function withCachedOrigins(git: GitRepository, root: string): GitRepository {
  const dir = join(root, CACHE_DIR);
  const asked = new Map<string, Promise<DocumentOrigins>>();
  const documentOrigins = async (ref = 'HEAD'): Promise<DocumentOrigins> => {
    if (cacheFolderRefusal(root, dir)) return git.documentOrigins(ref);
    const key = await historyKey(root, ref);
    if (key === undefined) return git.documentOrigins(ref);
    const path = join(dir, FILE);
    const kept = readStored(path, key);
    if (kept) return kept;
    const origins = await git.documentOrigins(ref);
    store(dir, key, origins);
    return origins;
  };
  return {
    ...git,
    documentOrigins: (ref = 'HEAD') => {
      let found = asked.get(ref);
      if (!found) asked.set(ref, (found = documentOrigins(ref)));
      return found;
    },
  };
}
