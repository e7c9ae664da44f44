#!/usr/bin/env node
// Bundles the GitHub Action's entry point and its worker threads (validation, catalog rendering) into action/bundle/main/.
// The folder sits three levels below the repository root on purpose: the sources find the
// package root (schemas/, package.json) at '../../../' from their own file, and in a bundle
// every module's file is the bundle's. The output is committed; test/github/bundle.test.ts
// rebuilds it and fails when the committed copy is stale.
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const OUT_DIR = join(ROOT, 'action', 'bundle', 'main');

/** The Node the runner starts the action with (action.yml `runs.using`): the bundle targets exactly that. */
export function actionRuntime() {
  const m = /^\s+using:\s*['"]?(node\d+)['"]?\s*$/m.exec(readFileSync(join(ROOT, 'action.yml'), 'utf8'));
  if (!m) throw new Error('action.yml names no nodeNN runtime in runs.using');
  return m[1];
}

export async function bundle(outdir = OUT_DIR) {
  await build({
    absWorkingDir: ROOT,
    entryPoints: { index: 'src/action/main.ts', 'analyze-worker': 'src/adapters/workers/analyze-worker.ts', 'render-worker': 'src/catalog/render-worker.ts' },
    outdir,
    bundle: true,
    platform: 'node',
    target: actionRuntime(),
    format: 'esm',
    // CommonJS dependencies call require(); ESM output has none unless we make one.
    banner: { js: "import { createRequire as __opsledgerRequire } from 'node:module';\nconst require = __opsledgerRequire(import.meta.url);" },
    legalComments: 'none',
    charset: 'utf8',
    logLevel: 'warning',
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await bundle(process.argv[2] ? resolve(process.argv[2]) : OUT_DIR);
}
