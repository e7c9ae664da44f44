import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { SiteWriter } from '../app/build-catalog.js';
import { TOOL_VERSION } from '../adapters/fs/version.js';
import { renderSite, SITE_MARKER, type RenderOptions, type RenderResult } from './render-site.js';
import { previousSite, siteKey, siteManifestPath } from './site-manifest.js';

/**
 * Replaces a site folder in one step: the new site is built in a temporary folder beside the
 * target (same file system, so the final rename is atomic) and swapped in only when complete.
 * A failed build leaves the previous site untouched and removes its half-built copy.
 */
export class UnsafeTargetError extends Error {
  override name = 'UnsafeTargetError';
}

/**
 * The folder may be replaced when it does not exist, is empty, or is a catalog we built (it
 * has the marker file). Anything else may be someone's work: refuse rather than delete it.
 */
export function checkTarget(target: string): void {
  let st;
  try {
    st = lstatSync(target);
  } catch {
    return;
  }
  // A link would be renamed away and replaced by a real folder: the user named the link, not a site.
  if (st.isSymbolicLink()) throw new UnsafeTargetError(`${target} is a symbolic link; give the folder it points to, or another --out folder`);
  if (!st.isDirectory()) throw new UnsafeTargetError(`${target} exists and is not a folder`);
  const entries = readdirSync(target);
  if (entries.length && !entries.includes(SITE_MARKER)) {
    throw new UnsafeTargetError(`${target} is not empty and is not a catalog built by opsledger (no ${SITE_MARKER} file); choose another --out folder or empty it`);
  }
}

export async function replaceDirectory<T>(targetPath: string, build: (dir: string) => T | Promise<T>): Promise<T> {
  const target = resolve(targetPath);
  checkTarget(target);
  const parent = dirname(target);
  mkdirSync(parent, { recursive: true });
  const temp = mkdtempSync(join(parent, `.${basename(target)}.building-`));
  let result: T;
  try {
    result = await build(temp);
  } catch (e) {
    rmSync(temp, { recursive: true, force: true });
    throw e;
  }
  if (existsSync(target)) {
    // Move the old site aside first: rename cannot replace a non-empty folder.
    const old = mkdtempSync(join(parent, `.${basename(target)}.old-`));
    renameSync(target, join(old, 'site'));
    renameSync(temp, target);
    rmSync(old, { recursive: true, force: true });
  } else {
    renameSync(temp, target);
  }
  return result;
}

/**
 * The site writer the catalog use case is handed; `root` is the organisation's, whose cache
 * folder keeps the site manifest. A folder holding a site this build of opsledger made, with a
 * manifest it can trust, is updated in place: only pages whose view model
 * changed are rendered, only files whose bytes changed are written, files no longer produced are
 * removed, and the result is the same, byte for byte, as a fresh build. Anything else is built
 * afresh in a new folder and swapped into `out` whole. An update is not one step: one that fails
 * part-way leaves some pages new and no manifest, so the next build starts afresh.
 */
export function siteWriter(out: string, options: Omit<RenderOptions, 'ics' | 'version' | 'previous' | 'manifest'> & { root: string }): SiteWriter<RenderResult & { out: string; updated: boolean }> {
  return async (site, ics) => {
    const { root, ...rest } = options;
    const target = resolve(out);
    const path = siteManifestPath(root, target);
    const manifest = path === undefined ? undefined : { path, key: siteKey({ locale: options.locale, zone: site.zone, out: target }) };
    const render = { ...rest, version: TOOL_VERSION, ...(ics ? { ics } : {}), ...(manifest ? { manifest } : {}) };
    checkTarget(target);
    const previous = existsSync(target) ? previousSite(target, manifest?.key ?? '', manifest?.path) : undefined;
    if (previous) return { ...(await renderSite(site, target, { ...render, previous })), out, updated: true };
    return { ...(await replaceDirectory(out, (dir) => renderSite(site, dir, render))), out, updated: false };
  };
}
