import { createHash } from 'node:crypto';
import { readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readOwnText, readOwnFile } from './read-policy.js';

export { TOOL_VERSION } from './tool-version.js';

let digest: string | undefined;

// scripts/bundle-cli.mjs sets this in the bundle to the digest of the dist/core/ it bundled:
// the code a bundle runs is the code it holds, whatever dist/core/ holds since, so its runs
// need not stat the core's files (about 20 ms a run: 280 files) to know their key. Unbundled
// (tsc's dist/, the Action's bundle) it is not defined and the core is checked as before.
declare const __OPSLEDGER_CODE_DIGEST__: string | undefined;
const BUNDLED_DIGEST = typeof __OPSLEDGER_CODE_DIGEST__ === 'string' ? __OPSLEDGER_CODE_DIGEST__ : undefined;

// Both from this file in dist/adapters/fs/ and from a chunk in dist/bundle/cli/, two levels up is dist/.
const DIST = () => fileURLToPath(new URL('../../', import.meta.url));
/** Where the build records the digest, beside the stat of every file it read. */
export const CODE_DIGEST_FILE = 'code-digest.json';

interface CoreFile {
  rel: string;
  abs: string;
}

/** The compiled core's files, in the order the digest reads them. */
function coreFiles(dist: string): CoreFile[] {
  const out: CoreFile[] = [];
  const walk = (dir: string, rel: string) => {
    let entries: string[];
    try {
      entries = readdirSync(dir).sort();
    } catch {
      return;
    }
    for (const name of entries) {
      if (name.endsWith('.js') || name.endsWith('.ts')) out.push({ rel: rel + name, abs: join(dir, name) });
      else if (!name.includes('.')) walk(join(dir, name), `${rel}${name}/`);
    }
  };
  walk(join(dist, 'core'), '');
  return out;
}

function readDigest(files: readonly CoreFile[]): string {
  const hash = createHash('sha1');
  for (const f of files) hash.update(f.rel.slice(f.rel.lastIndexOf('/') + 1)).update(readOwnFile(f.abs));
  return hash.digest('hex').slice(0, 16);
}

/** What a file's stat must still be for the recorded digest to stand: ctime too, which no copy or touch can put back. */
function stamps(files: readonly CoreFile[]): string[] | undefined {
  const out: string[] = [];
  for (const f of files) {
    const st = statSync(f.abs, { throwIfNoEntry: false });
    if (!st?.isFile()) return undefined;
    out.push(`${f.rel}\0${st.size}\0${st.mtimeMs}\0${st.ctimeMs}\0${st.ino}`);
  }
  return out;
}

const sealOf = (value: string, files: readonly string[]) => createHash('sha1').update(value).update('\n').update(files.join('\n')).digest('hex');

/**
 * The digest the build recorded, when every file of the core is still exactly as it was then
 * (same names, sizes, mtimes, ctimes, inodes) and the record seals itself: a bare `tsc`, a copy,
 * an install or a hand edit of either the code or the record sends the run back to reading.
 */
export function recordedCodeDigest(dist: string, files = coreFiles(dist)): string | undefined {
  let record: { digest?: unknown; files?: unknown; seal?: unknown };
  try {
    record = JSON.parse(readOwnText(join(dist, CODE_DIGEST_FILE))) as typeof record;
  } catch {
    return undefined;
  }
  const { digest: value, files: was, seal } = record;
  if (typeof value !== 'string' || !/^[0-9a-f]{16}$/.test(value) || !Array.isArray(was) || typeof seal !== 'string') return undefined;
  const now = stamps(files);
  if (!now || now.length !== was.length || now.some((s, i) => s !== was[i])) return undefined;
  return sealOf(value, now) === seal ? value : undefined;
}

/**
 * A digest of the analysis code itself (the compiled core next to this file), so a cached
 * result is never reused by a different build of opsledger, even one with the same version.
 * Reading the core costs a warm run more than anything but its stats, so the build records it
 * (writeCodeDigest) and a run reads that record when the core's files have not moved since.
 */
export function codeDigest(): string {
  return (digest ??= BUNDLED_DIGEST ?? codeDigestOf(DIST()));
}

/** The digest of the core in the build folder `dist`, from the build's record when it stands. */
export function codeDigestOf(dist: string): string {
  const files = coreFiles(dist);
  return recordedCodeDigest(dist, files) ?? readDigest(files);
}

/** The digest of the core in `dist`, read from its files (what the build gives the bundle). */
export function readCodeDigest(dist = DIST()): string {
  return readDigest(coreFiles(dist));
}

/** The last step of the build: the core's digest, read once, with the stat of every file it read. */
export function writeCodeDigest(dist = DIST()): string {
  const files = coreFiles(dist);
  const before = stamps(files);
  const value = readDigest(files);
  const after = stamps(files);
  // A file rewritten while it was read is not vouched for: no record, and runs read the core.
  if (!before || !after || before.join('\n') !== after.join('\n')) throw new Error('dist/core changed while its digest was computed');
  writeFileSync(join(dist, CODE_DIGEST_FILE), `${JSON.stringify({ digest: value, files: after, seal: sealOf(value, after) })}\n`);
  return value;
}
