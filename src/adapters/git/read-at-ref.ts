import { spawn } from 'node:child_process';
import { ExpectedFailure } from '../../app/ports/failure.js';
import { gitOutput } from './run-git.js';

/**
 * Reads the YAML files of some folders as they are in a commit, without touching the working
 * tree: one `git ls-tree` lists them and one `git cat-file --batch` process streams every blob
 * (one `git show` per file costs about 5 ms each). This is how the pull-request and gate
 * commands read the base branch's policy and teams, never the pull request's own copies.
 */
export class GitObjectMissing extends ExpectedFailure {
  override name = 'GitObjectMissing';
  constructor(
    readonly ref: string,
    detail: string,
  ) {
    super('git.missing', `${ref}: ${detail}`);
  }
}

export interface TreeAtRef {
  /** The commit the ref resolved to. */
  commit: string;
  /** Repo-relative (to root) path → bytes, for YAML files at or under the folders. */
  files: Map<string, Uint8Array>;
  /** Files refused unread for their size, with their size. */
  tooLarge: Map<string, number>;
}

const YAML_FILE = /\.ya?ml$/i;

// A commit named by its full object id resolves to the same commit for the life of the process,
// and the gate and the CAB ask about the same two or three a dozen times: one git process each
// was a third of the gate's git time. Names that can move (branches, HEAD) are always asked.
const FULL_ID = /^[0-9a-f]{40}([0-9a-f]{24})?$/;
const resolvedIds = new Map<string, string>();

export async function resolveCommit(root: string, ref: string): Promise<string> {
  const known = FULL_ID.test(ref) ? resolvedIds.get(`${root}\0${ref}`) : undefined;
  if (known) return known;
  const sha = await askCommit(root, ref);
  // What a name resolved to is asked next by its id (the gate reads `main`, then its commit).
  noteCommits(root, [sha]);
  return sha;
}

/**
 * The commit the first of these full ref names points at (through one tag), in one git process
 * where asking resolveCommit for each would start one per name (the gate's default branch is
 * `refs/remotes/origin/<b>` in a clone, `refs/heads/<b>` in a mirror). null: none of them
 * exists. undefined: it cannot tell (a name it will not pass to git as a pattern, a ref to
 * something that is not a commit, git failing): ask resolveCommit for each, as before.
 */
export async function firstCommitOf(root: string, refs: readonly string[]): Promise<string | null | undefined> {
  // for-each-ref takes patterns: only plain full names, which match themselves (and refs below them, dropped here).
  if (!refs.length || !refs.every((r) => /^refs\/[^\s*?[\\:^~]+$/.test(r) && !r.includes('..') && !r.endsWith('/'))) return undefined;
  let out: string;
  try {
    out = await gitOutput(root, ['for-each-ref', '--format=%(refname)%00%(objecttype)%00%(objectname)%00%(*objecttype)%00%(*objectname)', ...refs]);
  } catch {
    return undefined;
  }
  const found = new Map<string, string | undefined>();
  for (const line of out.split('\n')) {
    const [name, type, id, peeledType, peeled] = line.split('\0');
    if (!name || !refs.includes(name)) continue;
    found.set(name, type === 'commit' ? id : type === 'tag' && peeledType === 'commit' ? peeled : undefined);
  }
  for (const ref of refs) {
    if (!found.has(ref)) continue;
    const sha = found.get(ref);
    if (!sha || !FULL_ID.test(sha)) return undefined;
    noteCommits(root, [sha]);
    return sha;
  }
  return null;
}

/** Full ids git itself printed as commits (a log's commits and their parents): each resolves to itself. */
export function noteCommits(root: string, shas: readonly string[]): void {
  for (const sha of shas) {
    // Bounded for the App, which serves many repositories from one process.
    if (resolvedIds.size >= 10_000) return;
    if (FULL_ID.test(sha)) resolvedIds.set(`${root}\0${sha}`, sha);
  }
}

async function askCommit(root: string, ref: string): Promise<string> {
  let sha = '';
  // A name that reads as an option is no ref; git would take it for one.
  if (!ref.startsWith('-')) {
    try {
      sha = (await gitOutput(root, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`])).trim();
    } catch {
      // reported below
    }
  }
  if (!/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(sha)) throw new GitObjectMissing(ref, 'no such commit in the local clone (a shallow checkout? use fetch-depth: 0)');
  return sha;
}

/** A YAML file of a commit: its blob id names its content, so it keys caches without being read. */
export interface TreeEntry {
  path: string;
  oid: string;
  size: number;
}

export interface TreeListing {
  commit: string;
  /** Files within the size cap, sorted by path. */
  files: TreeEntry[];
  /** Files refused unread for their size, with their size. */
  tooLarge: Map<string, number>;
}

/** The YAML files at or under the folders in a commit, from one `git ls-tree`, without reading a blob. */
export async function listFilesAtRef(root: string, ref: string, folders: readonly string[], maxBytes = 1024 * 1024): Promise<TreeListing> {
  const commit = await resolveCommit(root, ref);
  // Paths print relative to root (the process's folder), so a root below the top works too.
  const listing = await gitOutput(root, ['ls-tree', '-r', '-z', '-l', commit, '--', ...(folders.length ? folders : ['.'])]);
  return { commit, ...yamlFilesOf(listing, () => true, maxBytes) };
}

/**
 * listFilesAtRef and pathsAtCommit from one `git ls-tree` of the whole commit: reading a commit
 * needs both, and each git process costs the caller more than the listing itself.
 */
export async function readTreeAtRef(root: string, ref: string, folders: readonly string[], maxBytes = 1024 * 1024): Promise<{ listing: TreeListing; paths: string[] }> {
  const commit = await resolveCommit(root, ref);
  const listing = await gitOutput(root, ['ls-tree', '-r', '-z', '-l', commit]);
  const under = (path: string) => folders.some((f) => path === f || path.startsWith(`${f}/`));
  const paths: string[] = [];
  for (const entry of listing.split('\0')) if (entry) paths.push(entry.slice(entry.indexOf('\t') + 1));
  return { listing: { commit, ...yamlFilesOf(listing, folders.length ? under : () => true, maxBytes) }, paths: paths.sort() };
}

function yamlFilesOf(listing: string, wanted: (path: string) => boolean, maxBytes: number): Omit<TreeListing, 'commit'> {
  const files: TreeEntry[] = [];
  const tooLarge = new Map<string, number>();
  for (const entry of listing.split('\0')) {
    if (!entry) continue;
    const tab = entry.indexOf('\t');
    const [mode, type, oid, size] = entry.slice(0, tab).split(/\s+/);
    const path = entry.slice(tab + 1);
    // Symbolic links (120000) and submodules are not documents.
    if (type !== 'blob' || mode === '120000' || !YAML_FILE.test(path) || !oid || !wanted(path)) continue;
    if (Number(size) > maxBytes) tooLarge.set(path, Number(size));
    else files.push({ path, oid, size: Number(size) });
  }
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { files, tooLarge };
}

export async function readFilesAtRef(root: string, ref: string, folders: readonly string[], maxBytes = 1024 * 1024): Promise<TreeAtRef> {
  const { commit, files: small, tooLarge } = await listFilesAtRef(root, ref, folders, maxBytes);
  const blobs = await catFileBatch(root, small.map((w) => w.oid));
  const files = new Map<string, Uint8Array>();
  small.forEach((w, i) => files.set(w.path, blobs[i]!));
  return { commit, files, tooLarge };
}

/** Every file of a commit under root (names only, submodules and links included): what path patterns are checked against. */
export async function pathsAtCommit(root: string, commit: string): Promise<string[]> {
  const out = await gitOutput(root, ['ls-tree', '-r', '-z', '--name-only', commit]);
  return out.split('\0').filter(Boolean).sort();
}

/** Contents of the given blobs, in order, from one `git cat-file --batch` process. */
export function catFileBatch(root: string, oids: readonly string[]): Promise<Uint8Array[]> {
  if (!oids.length) return Promise.resolve([]);
  return new Promise((resolve, reject) => {
    const child = spawn('git', ['cat-file', '--batch'], { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`git cat-file --batch exited ${code}: ${stderr.trim()}`));
      const out = Buffer.concat(chunks);
      const blobs: Uint8Array[] = [];
      let pos = 0;
      for (const oid of oids) {
        const nl = out.indexOf(0x0a, pos);
        if (nl < 0) return reject(new Error(`git cat-file --batch ended early at ${oid}`));
        const header = out.subarray(pos, nl).toString('utf8').split(' ');
        if (header[1] === 'missing' || header.length < 3) return reject(new GitObjectMissing(oid, 'object missing from the repository'));
        const size = Number(header[2]);
        blobs.push(out.subarray(nl + 1, nl + 1 + size));
        pos = nl + 1 + size + 1;
      }
      resolve(blobs);
    });
    child.stdin.on('error', () => {
      // A git that exits early closes its stdin; the close handler reports why.
    });
    child.stdin.end(oids.join('\n') + '\n');
  });
}
