import { createHash, hash as oneShotHash } from 'node:crypto';
import { lstatSync, readdirSync, rmdirSync, unlinkSync } from 'node:fs';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CACHE_DIR } from '../adapters/fs/cache.js';
import { cacheFolderRefusal, writeCacheFile } from '../adapters/fs/cache-folder.js';
import { readOwnFile } from '../adapters/fs/read-policy.js';
import { codeDigest, TOOL_VERSION } from '../adapters/fs/version.js';
import type { Page } from '../core/catalog/types.js';
import type { FileWriter } from './file-writer.js';
import { TEMPLATE_DIR } from './templates.js';

/**
 * The site manifest: what a catalog build wrote, so the next build into the same folder writes
 * only what changed. Each file is listed with the key of what it was made from (for a page, a
 * hash of its view model; for any other file, a hash of its bytes), the hash of its bytes, and
 * its size and times just after the write. A page is left alone only when its key is the same
 * and its file still has the size and times written down: an edited, replaced or deleted file
 * no longer matches (an edit moves ctime, which no tool can set back) and is written again.
 *
 * It lives in the organisation's cache folder (.opsledger-cache, under cache-folder.ts's rules),
 * one per output folder, not in the site: the site is what gets deployed, and at 80k pages the
 * manifest is about 8 MB nobody browses. Without a usable cache folder (a link, a file, one
 * outside the repository) there is no manifest and every build is a fresh one.
 *
 * The manifest is trusted for nothing else. Which files to delete comes from the folder itself
 * (whatever this build did not produce), never from paths the manifest names; a manifest that is
 * a link, unreadable, malformed, of another format, or made by another build of opsledger (its
 * version, its code, its templates), locale, zone or for another output folder is ignored and
 * the site is built afresh. It is removed before the folder is touched and written again (by
 * rename) only once the build is complete, so a build that fails half-way leaves no manifest
 * and the next build starts over.
 */
const MANIFEST_PREFIX = 'catalog-site-';
/**
 * Manifests kept in one cache folder, newest first: one per output folder, and a folder that is
 * gone leaves its manifest behind (about 8 MB at 80k pages), so the oldest beyond this go.
 */
export const KEPT_SITE_MANIFESTS = 4;
/**
 * Format 3 is binary, since a rebuild reads it and writes it whole: a JSON line (format, key,
 * count and a digest of the rest), then each file's size, mtime and ctime as float64s (in the
 * machine's byte order: moved to a machine of the other order, a manifest only fails to match and
 * its pages are written again), then each file's path, key and hash as one UTF-8 text joined by
 * NUL, which no path can hold. At 81k pages it is 8.3 MB against format 2's 10.4 MB of JSON (an
 * array per file), and read in 0.14-0.27 s of CPU against 0.41-0.57 s.
 */
const FORMAT = 3;
const SUFFIX = '.manifest';
/** Far above any real site's manifest (80k pages: about 8 MB); a larger file is not read. */
const MAX_MANIFEST_BYTES = 256 * 1024 * 1024;

/** [what the file was made from, hash of its bytes, size, mtimeMs, ctimeMs] */
export type ManifestEntry = [key: string, hash: string, size: number, mtimeMs: number, ctimeMs: number];

interface ManifestHeader {
  format: number;
  key: string;
  files: number;
  digest: string;
}

/**
 * SHA-1, base64url, 22 characters (132 bits). One crypto.hash call: a Hash object
 * per page (80k of them) cost as much as hashing the bytes.
 */
function digest(data: string | Buffer): string {
  return oneShotHash('sha1', data, 'base64url').slice(0, 22);
}

const NUMBERS = 3;

/** The manifest's bytes (format 3). */
export function encodeManifest(key: string, files: ReadonlyMap<string, ManifestEntry>): Buffer {
  const numbers = new Float64Array(files.size * NUMBERS);
  const strings: string[] = [];
  let o = 0;
  for (const [path, e] of files) {
    strings.push(path, e[0], e[1]);
    numbers[o++] = e[2];
    numbers[o++] = e[3];
    numbers[o++] = e[4];
  }
  const body = Buffer.concat([Buffer.from(numbers.buffer, numbers.byteOffset, numbers.byteLength), Buffer.from(strings.join('\0'), 'utf8')]);
  const header: ManifestHeader = { format: FORMAT, key, files: files.size, digest: digest(body) };
  return Buffer.concat([Buffer.from(`${JSON.stringify(header)}\n`), body]);
}

/** A manifest's key and entries; undefined for anything that is not a whole, well-formed format-3 manifest. */
export function decodeManifest(bytes: Buffer): { key: string; entries: Map<string, ManifestEntry> } | undefined {
  const nl = bytes.indexOf(10);
  if (nl < 0) return undefined;
  let header: ManifestHeader;
  try {
    header = JSON.parse(bytes.toString('utf8', 0, nl)) as ManifestHeader;
  } catch {
    return undefined;
  }
  if (header?.format !== FORMAT || typeof header.key !== 'string' || !Number.isSafeInteger(header.files) || header.files < 0 || typeof header.digest !== 'string') return undefined;
  const body = bytes.subarray(nl + 1);
  const n = header.files;
  const numberBytes = n * NUMBERS * 8;
  if (body.length < numberBytes || digest(body) !== header.digest) return undefined;
  // Copied out: a Float64Array needs an 8-byte aligned start, which the file's layout does not promise.
  const numbers = new Float64Array(body.buffer.slice(body.byteOffset, body.byteOffset + numberBytes));
  const strings = n === 0 ? [] : body.toString('utf8', numberBytes).split('\0');
  if (strings.length !== n * 3 || (n === 0 && body.length !== numberBytes)) return undefined;
  const entries = new Map<string, ManifestEntry>();
  for (let i = 0, s = 0, o = 0; i < n; i++, s += 3, o += NUMBERS) {
    const path = strings[s]!;
    const entry: ManifestEntry = [strings[s + 1]!, strings[s + 2]!, numbers[o]!, numbers[o + 1]!, numbers[o + 2]!];
    if (!path || !entry[0] || !entry[1] || !Number.isFinite(entry[2]) || !Number.isFinite(entry[3]) || !Number.isFinite(entry[4]) || entries.has(path)) return undefined;
    entries.set(path, entry);
  }
  return { key: header.key, entries };
}

/** The hash of a file's bytes. */
export const contentHash = digest;

/**
 * The key of a page: its view model as JSON. The renderer turns equal view models into equal
 * pages (the site-wide inputs, such as the templates and the locale, are in the manifest's key),
 * so an unchanged key means an unchanged page.
 */
export function pageKey(page: object, stamp?: string): string {
  const json = JSON.stringify(page);
  return digest(stamp === undefined ? json : `${json}\n${stamp}`);
}

let rendererDigestMemo: string | undefined;

/** Everything besides a page's view model that decides its bytes: the code that renders it and the templates. */
function rendererDigest(): string {
  if (rendererDigestMemo) return rendererDigestMemo;
  const hash = createHash('sha1').update(codeDigest());
  const walk = (dir: string, filter: (name: string) => boolean) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    } catch {
      return;
    }
    for (const e of entries) {
      const path = join(dir, e.name);
      if (e.isDirectory()) walk(path, filter);
      else if (e.isFile() && filter(e.name)) hash.update(`${path.slice(dir.length)}\0`).update(readOwnFile(path));
    }
  };
  walk(fileURLToPath(new URL('./', import.meta.url)), (name) => name.endsWith('.js') || name.endsWith('.ts'));
  walk(TEMPLATE_DIR, () => true);
  return (rendererDigestMemo = hash.digest('hex').slice(0, 16));
}

/** The manifest's own key: a manifest written under any other is ignored. */
export function siteKey(options: { locale: string; zone: string; out: string }): string {
  return JSON.stringify([FORMAT, TOOL_VERSION, rendererDigest(), options.locale, options.zone, resolve(options.out)]);
}

/**
 * Where the manifest of the site in `out` is kept: the cache folder of the organisation at
 * `root`, a file named by the output folder; undefined when that cache folder may not be used.
 */
export function siteManifestPath(root: string, out: string): string | undefined {
  const dir = join(root, CACHE_DIR);
  if (cacheFolderRefusal(root, dir)) return undefined;
  return join(dir, `${MANIFEST_PREFIX}${digest(resolve(out))}${SUFFIX}`);
}

/** A site folder as the last build left it: its manifest's entries and every file now in it. */
export interface PreviousSite {
  entries: Map<string, ManifestEntry>;
  /** Site-relative paths (with /) of the regular files in the folder. */
  files: Set<string>;
}

function readManifest(path: string, key: string): Map<string, ManifestEntry> | undefined {
  try {
    // readOwnFile opens without following links and reads regular files within the cap only.
    const m = decodeManifest(readOwnFile(path, MAX_MANIFEST_BYTES));
    return m?.key === key ? m.entries : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Every regular file under the folder, or undefined when anything else is there (a link, a
 * FIFO...): pages are written in place, and a link among the folders could lead the writes
 * outside the site. Such a folder is rebuilt whole in a fresh folder instead.
 */
function listFiles(dir: string): Set<string> | undefined {
  const out = new Set<string>();
  const walk = (abs: string, rel: string): boolean => {
    for (const e of readdirSync(abs, { withFileTypes: true })) {
      const name = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        if (!walk(join(abs, e.name), name)) return false;
      } else if (e.isFile()) {
        out.add(name);
      } else {
        return false;
      }
    }
    return true;
  };
  try {
    return walk(dir, '') ? out : undefined;
  } catch {
    return undefined;
  }
}

/** The previous build in `dir` when it can be updated in place; undefined: build the site afresh. */
export function previousSite(dir: string, key: string, manifest: string | undefined): PreviousSite | undefined {
  const entries = manifest === undefined ? undefined : readManifest(manifest, key);
  if (!entries) return undefined;
  const files = listFiles(dir);
  return files && { entries, files };
}

/**
 * Keeps the books of one build: which files it produced, which it could leave as they were,
 * and, at the end, removes what it did not produce and writes the manifest.
 */
export class SiteBooks {
  readonly next = new Map<string, ManifestEntry>();
  /** Files this build wrote (the rest it left untouched). */
  written = 0;
  /** The folder with a separator: 80k path.join calls were a tenth of checking the files. */
  private readonly prefix: string;

  constructor(
    private readonly dir: string,
    private readonly key: string,
    private readonly previous: PreviousSite | undefined,
    /** Where the manifest is kept; undefined: nowhere, and the next build is a fresh one. */
    private readonly manifest: string | undefined,
  ) {
    this.prefix = dir.endsWith(sep) ? dir : dir + sep;
    // From here on the folder is being changed (or a new one will replace it): a build that
    // stops part-way must leave no manifest behind that would vouch for it.
    if (manifest !== undefined) {
      try {
        unlinkSync(manifest);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      }
    }
  }

  /** The previous entry of a file that is still exactly as that build left it; undefined otherwise. */
  intact(path: string): ManifestEntry | undefined {
    const entry = this.previous?.entries.get(path);
    if (!entry || !this.previous!.files.has(path)) return undefined;
    const st = lstatSync(this.prefix + path, { throwIfNoEntry: false });
    if (!st?.isFile() || st.size !== entry[2] || st.mtimeMs !== entry[3] || st.ctimeMs !== entry[4]) return undefined;
    return entry;
  }

  /** True (and the file kept) when the previous build made it from the same key and it is intact. */
  keep(path: string, key: string): boolean {
    const entry = this.intact(path);
    if (!entry || entry[0] !== key) return false;
    this.next.set(path, entry);
    return true;
  }

  record(path: string, entry: ManifestEntry, wrote: boolean): void {
    this.next.set(path, entry);
    if (wrote) this.written++;
  }

  /** Removes the files this build did not produce (and folders left empty) and writes the manifest. */
  finish(): void {
    if (this.previous) {
      const emptied = new Set<string>();
      for (const file of this.previous.files) {
        if (this.next.has(file)) continue;
        unlinkSync(join(this.dir, file));
        for (let d = dirname(file); d !== '.'; d = dirname(d)) emptied.add(d);
      }
      // Deepest first, so a folder is tried after the folders inside it.
      for (const d of [...emptied].sort((a, b) => b.length - a.length)) {
        try {
          rmdirSync(join(this.dir, d));
        } catch {
          // not empty: it still holds pages
        }
      }
    }
    if (this.manifest !== undefined) this.writeManifest(this.manifest);
  }

  private writeManifest(path: string): void {
    const dir = dirname(path);
    try {
      writeCacheFile(dir, basename(path), encodeManifest(this.key, this.next));
      pruneManifests(dir);
    } catch (e) {
      // The site is complete; only the next build's shortcut is lost.
      if ((e as NodeJS.ErrnoException).code === undefined) throw e;
    }
  }
}

/** Removes the site manifests (files, never folders; a link itself, not what it points at) beyond the newest KEPT_SITE_MANIFESTS. */
function pruneManifests(dir: string): void {
  const manifests: [string, number][] = [];
  for (const name of readdirSync(dir)) {
    if (!name.startsWith(MANIFEST_PREFIX)) continue;
    const st = lstatSync(join(dir, name), { throwIfNoEntry: false });
    // Format 2's JSON manifests are never read again.
    if (st && !st.isDirectory() && name.endsWith('.json')) {
      try {
        unlinkSync(join(dir, name));
      } catch {
        // gone already
      }
      continue;
    }
    if (!name.endsWith(SUFFIX)) continue;
    if (st && !st.isDirectory()) manifests.push([name, st.mtimeMs]);
  }
  manifests.sort((a, b) => b[1] - a[1]);
  for (const [name] of manifests.slice(KEPT_SITE_MANIFESTS)) {
    try {
      unlinkSync(join(dir, name));
    } catch {
      // gone already
    }
  }
}

/** A page to render, the key it is made from, and the previous build's entry when its file is intact. */
export interface RenderItem {
  page: Page;
  key: string;
  prior?: ManifestEntry;
}

/** Renders a page and writes it unless its bytes are those of the intact file already there. */
export function renderItem(item: RenderItem, html: (page: Page) => string, writer: FileWriter): [string, ManifestEntry, boolean] {
  const bytes = Buffer.from(html(item.page));
  const hash = contentHash(bytes);
  if (item.prior && item.prior[1] === hash) return [item.page.path, [item.key, hash, item.prior[2], item.prior[3], item.prior[4]], false];
  const st = writer.write(item.page.path, bytes);
  return [item.page.path, [item.key, hash, st.size, st.mtimeMs, st.ctimeMs], true];
}

