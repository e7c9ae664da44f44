#!/usr/bin/env node
// The last step of `npm run build`: bundles what tsc wrote to dist/ into dist/bundle/cli/, which
// bin/opsledger.js runs when it is current (see there). Loading some 130 separate modules (ours,
// Octokit, bottleneck, rrule) cost the gate about 0.3 s of CPU before its work began; one file
// per command, with the code commands share in common chunks, loads in a fraction of that.
//
// - Built from dist/ (tsc's output), never from src/: the bundle is exactly the code tsc emitted,
//   so the code digest the caches and the precompiled validators are keyed by (dist/core/, which
//   src/adapters/fs/version.ts finds at ../../core/ from its file) is the digest of the code the
//   bundle holds, and a bundle run shares its caches with an unbundled one.
// - Three levels below the package root, like dist/adapters/fs/: the sources find the package
//   root (schemas/, templates/, package.json, dist/*.cjs) at '../../../' from their own file,
//   and in a bundle every module's file is its chunk's, all in this one folder.
// - Each command stays a separate chunk, loaded only when it is the one asked for (main.ts's
//   registry imports them lazily), so `--version` still loads almost nothing.
// - The worker threads are entry points of their own at the folder's top, where the pools look
//   for them (new URL('./analyze-worker.js', import.meta.url)).
import { build } from 'esbuild';
import { existsSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const CLI_BUNDLE_DIR = join(ROOT, 'dist', 'bundle', 'cli');
/** Written last: bin/opsledger.js runs the bundle only when this is no older than dist/cli/main.js. */
export const CLI_BUNDLE_STAMP = join(CLI_BUNDLE_DIR, 'built');

export async function bundleCli(dist = join(ROOT, 'dist'), outdir = CLI_BUNDLE_DIR) {
  if (!existsSync(join(dist, 'cli', 'main.js'))) throw new Error(`${join(dist, 'cli', 'main.js')} is missing: run tsc first`);
  // Built beside the folder and swapped in, so a command already running never finds half a bundle.
  const fresh = `${outdir}.${process.pid}.new`;
  const stale = `${outdir}.${process.pid}.old`;
  rmSync(fresh, { recursive: true, force: true });
  await build({
    absWorkingDir: ROOT,
    entryPoints: {
      main: join(dist, 'cli', 'main.js'),
      'analyze-worker': join(dist, 'adapters', 'workers', 'analyze-worker.js'),
      'render-worker': join(dist, 'catalog', 'render-worker.js'),
    },
    outdir: fresh,
    bundle: true,
    splitting: true,
    chunkNames: 'chunk-[hash]',
    platform: 'node',
    target: 'node20',
    format: 'esm',
    // CommonJS dependencies call require(); ESM output has none unless we make one.
    banner: { js: "import { createRequire as __opsledgerRequire } from 'node:module';\nconst require = __opsledgerRequire(import.meta.url);" },
    legalComments: 'none',
    charset: 'utf8',
    logLevel: 'warning',
  });
  writeFileSync(join(fresh, 'built'), '');
  if (existsSync(outdir)) renameSync(outdir, stale);
  renameSync(fresh, outdir);
  rmSync(stale, { recursive: true, force: true });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await bundleCli();
