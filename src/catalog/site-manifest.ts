import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, rmdirSync, unlinkSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
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
 * manifest is about 9 MB nobody browses. Without a usable cache folder (a link, a file, one
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
 * gone leaves its manifest behind (about 9 MB at 80k pages), so the oldest beyond this go.
 */
export const KEPT_SITE_MANIFESTS = 4;
const FORMAT = 2;
/** Far above any real site's manifest (80k pages: about 9 MB); a larger file is not read. */
const MAX_MANIFEST_BYTES = 256 * 1024 * 1024;

/** [what the file was made from, hash of its bytes, size, mtimeMs, ctimeMs] */
export type ManifestEntry = [key: string, hash: string, size: number, mtimeMs: number, ctimeMs: number];

interface ManifestFile {
  format: number;
  key: string;
  files: Record<string, ManifestEntry>;
}

function digest(data: string | Buffer): string {
  return createHash('sha1').update(data).digest('base64url').slice(0, 22);
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
  return join(dir, `${MANIFEST_PREFIX}${digest(resolve(out))}.json`);
}

/** A site folder as the last build left it: its manifest's entries and every file now in it. */
export interface PreviousSite {
  entries: Map<string, ManifestEntry>;
  /** Site-relative paths (with /) of the regular files in the folder. */
  files: Set<string>;
}

function isEntry(e: unknown): e is ManifestEntry {
  return Array.isArray(e) && e.length === 5 && typeof e[0] === 'string' && typeof e[1] === 'string' && e.slice(2).every((n) => typeof n === 'number' && Number.isFinite(n));
}

function readManifest(path: string, key: string): Map<string, ManifestEntry> | undefined {
  try {
    // readOwnFile opens without following links and reads regular files within the cap only.
    const m = JSON.parse(readOwnFile(path, MAX_MANIFEST_BYTES).toString('utf8')) as ManifestFile;
    if (m?.format !== FORMAT || m.key !== key || typeof m.files !== 'object' || m.files === null || Array.isArray(m.files)) return undefined;
    const entries = new Map<string, ManifestEntry>();
    for (const [file, entry] of Object.entries(m.files)) {
      if (!isEntry(entry)) return undefined;
      entries.set(file, entry);
    }
    return entries;
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

  constructor(
    private readonly dir: string,
    private readonly key: string,
    private readonly previous: PreviousSite | undefined,
    /** Where the manifest is kept; undefined: nowhere, and the next build is a fresh one. */
    private readonly manifest: string | undefined,
  ) {
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
    const st = lstatSync(join(this.dir, path), { throwIfNoEntry: false });
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
    const files: Record<string, ManifestEntry> = {};
    for (const [file, entry] of this.next) files[file] = entry;
    const dir = dirname(path);
    try {
      writeCacheFile(dir, basename(path), JSON.stringify({ format: FORMAT, key: this.key, files } satisfies ManifestFile));
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
    if (!name.startsWith(MANIFEST_PREFIX) || !name.endsWith('.json')) continue;
    const st = lstatSync(join(dir, name), { throwIfNoEntry: false });
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

