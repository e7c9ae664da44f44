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
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const CLI_BUNDLE_DIR = join(ROOT, 'dist', 'bundle', 'cli');
/**
 * The build's id, written last, and at the end of dist/cli/main.js as a comment: bin/opsledger.js
 * runs the bundle only when both say the same id. tsc rewrites main.js on every run, which drops
 * the comment, so a bundle older than dist/ is passed over; npm pack and install keep contents
 * (not mtimes, which install sets as it extracts), so an installed package runs its bundle.
 */
export const CLI_BUNDLE_STAMP = join(CLI_BUNDLE_DIR, 'built');
export const BUNDLE_MARK = '// opsledger-bundle: ';

/** What the split bundle and the one-file commands are built with alike. */
const ESBUILD_COMMON = {
  absWorkingDir: ROOT,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  // CommonJS dependencies call require(); ESM output has none unless we make one.
  banner: { js: "import { createRequire as __opsledgerRequire } from 'node:module';\nconst require = __opsledgerRequire(import.meta.url);" },
  legalComments: 'none',
  charset: 'utf8',
  logLevel: 'warning',
};

export async function bundleCli(dist = join(ROOT, 'dist'), outdir = CLI_BUNDLE_DIR) {
  if (!existsSync(join(dist, 'cli', 'main.js'))) throw new Error(`${join(dist, 'cli', 'main.js')} is missing: run tsc first`);
  // The digest of the core the bundle is made from, in the bundle (src/adapters/fs/version.ts):
  // its runs key their caches by the code they hold without reading dist/core/. Read again
  // after bundling: a core that changed meanwhile may not be what esbuild read, and fails the build.
  const { readCodeDigest } = await import(pathToFileURL(join(dist, 'adapters', 'fs', 'version.js')).href);
  const digest = readCodeDigest(dist);
  const common = { ...ESBUILD_COMMON, define: { __OPSLEDGER_CODE_DIGEST__: JSON.stringify(digest) } };
  // Built beside the folder and swapped in, so a command already running never finds half a bundle.
  const fresh = `${outdir}.${process.pid}.new`;
  const stale = `${outdir}.${process.pid}.old`;
  rmSync(fresh, { recursive: true, force: true });
  const split = await build({
    ...common,
    entryPoints: {
      main: join(dist, 'cli', 'main.js'),
      'analyze-worker': join(dist, 'adapters', 'workers', 'analyze-worker.js'),
      'render-worker': join(dist, 'catalog', 'render-worker.js'),
    },
    outdir: fresh,
    splitting: true,
    chunkNames: 'chunk-[hash]',
    metafile: true,
  });
  await bundleOneFileCommands(dist, fresh, split.metafile, common);
  if (readCodeDigest(dist) !== digest) {
    rmSync(fresh, { recursive: true, force: true });
    throw new Error('dist/core changed while it was bundled');
  }
  const id = `${Date.now().toString(36)}-${randomBytes(6).toString('hex')}`;
  writeFileSync(join(fresh, 'built'), id);
  if (existsSync(outdir)) renameSync(outdir, stale);
  renameSync(fresh, outdir);
  rmSync(stale, { recursive: true, force: true });
  const main = join(dist, 'cli', 'main.js');
  const text = readFileSync(main, 'utf8').split('\n').filter((l) => !l.startsWith(BUNDLE_MARK)).join('\n').replace(/\n*$/, '\n');
  writeFileSync(main, `${text}${BUNDLE_MARK}${id}\n`);
}

/**
 * The commands a pipeline or an editor runs again and again (the gate, validate) also get a
 * file of their own, `cmd-<name>.js`: main and everything the command may load, in one module.
 * Node 20's ESM loader costs about a millisecond per module on top of compiling it, and those
 * commands load 44 (validate) and 68 (the gate) chunks of the split bundle: one file is 25 ms
 * (validate) and 60-90 ms (the gate) less CPU per run on this VM, though it compiles code the
 * run may not call. bin/opsledger.js runs `cmd-<first argument>.js` when there is one; any other
 * command reached from it (none is, but the registry names them all) is the split bundle's own
 * chunk for that command, so the file needs nothing but its folder.
 */
export const ONE_FILE_COMMANDS = ['gate', 'validate'];

async function bundleOneFileCommands(dist, outdir, metafile, common) {
  // The split bundle's chunk for each command module (esbuild makes every dynamic import an entry of its own).
  const chunkOf = new Map();
  for (const [out, info] of Object.entries(metafile.outputs)) if (info.entryPoint) chunkOf.set(info.entryPoint.replace(/\\/g, '/'), out.slice(out.lastIndexOf('/') + 1));
  const distRel = dist.slice(ROOT.length).replace(/\\/g, '/').replace(/^\/+/, '');
  for (const name of ONE_FILE_COMMANDS) {
    await build(oneFile(name, { ...common, entryPoints: { [`cmd-${name}`]: join(dist, 'cli', 'main.js') }, outdir }, chunkOf, distRel));
    if (!SCRIPT_COMMANDS.includes(name)) continue;
    // The same file as a classic script, for Node without a compile cache (bin/script-cache.js):
    // run through vm.Script, whose compiled code can be kept, where an ES module's cannot before
    // Node 22.1. A function of what an ES module has and a script lacks: require, the URL of the
    // .js file beside it, so import.meta.url (the package root, the worker threads) means what it
    // means in cmd-<name>.js, and import() of the chunks beside it.
    await build(oneFile(name, {
      ...common,
      format: 'cjs',
      // One byte a character: bin/script-cache.js reads an ASCII file as latin1, which is a copy
      // (UTF-8 is decoded, 5 ms for this file), and V8 compiles a one-byte string.
      charset: 'ascii',
      entryPoints: { [`cmd-${name}${SCRIPT_SUFFIX}`]: join(dist, 'cli', 'main.js') },
      outExtension: { '.js': '.js' },
      outdir,
      define: { ...common.define, 'import.meta.url': '__opsledgerUrl' },
      banner: { js: '(function (exports, require, module, __opsledgerUrl, __opsledgerImport, __opsledgerCreateRequire) {\n"use strict";' },
      footer: { js: '})' },
    }, chunkOf, distRel, [
      {
        // The precompiled validators' module is required by its path: through the require the
        // caller gives, which keeps its compiled code too.
        name: 'validators-through-the-callers-require',
        setup(b) {
          b.onResolve({ filter: /^node:module$/ }, (args) => (args.importer.replace(/\\/g, '/').endsWith(`/${distRel}/adapters/fs/precompiled-schemas.js`) ? { path: 'create-require', namespace: 'opsledger-script' } : undefined));
          b.onLoad({ filter: /^create-require$/, namespace: 'opsledger-script' }, () => ({ contents: 'export const createRequire = __opsledgerCreateRequire;', loader: 'js' }));
        },
      },
    ]));
    // esbuild escapes strings and templates but leaves a comment or a regular expression as it
    // was written; an escape means the same character in both.
    const file = join(outdir, `cmd-${name}${SCRIPT_SUFFIX}.js`);
    const text = readFileSync(file, 'utf8')
      .replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
      // A script's import() needs vm's dynamic import callback, which Node 20 loses when the
      // script comes from cached code (and warns of as experimental): the chunks are imported
      // by a function the caller passes, relative to the module's URL.
      .replace(/\bimport\((?="\.\/chunk-[\w-]+\.js"\))/g, '__opsledgerImport(');
    if (/\bimport\s*\(/.test(text)) throw new Error(`cmd-${name}${SCRIPT_SUFFIX}.js imports something other than a chunk beside it`);
    writeFileSync(file, text);
  }
}

/**
 * What bin/opsledger.js looks for beside `cmd-<name>.js`: the same code as a classic script, made
 * for the commands run again and again whose code holds no top-level await (the gate's GitHub
 * shapes do: a script cannot).
 */
export const SCRIPT_SUFFIX = '.script';
export const SCRIPT_COMMANDS = ['validate'];

function oneFile(name, options, chunkOf, distRel, more = []) {
  return {
    ...options,
    splitting: false,
    plugins: [
      ...more,
      {
        name: 'other-commands-from-the-split-bundle',
        setup(b) {
          const split = (module) => {
            const chunk = chunkOf.get(`${distRel}/${module}`);
            if (!chunk) throw new Error(`no chunk of the split bundle for ${module}`);
            return { path: `./${chunk}`, external: true };
          };
          b.onResolve({ filter: /^\.\/commands\/[\w-]+\.js$/ }, (args) => {
            if (!args.importer.replace(/\\/g, '/').endsWith('/cli/registry.js') || args.path === `./commands/${name}.js`) return undefined;
            return split(`cli/${args.path.slice(2)}`);
          });
          // ajv's registry, loaded only where the precompiled validators do not cover every schema
          // or a commit's file must be parsed: left in its chunk, as ajv would be a third of the
          // file. It hands back a plain registry object: nothing depends on its module being this file's.
          b.onResolve({ filter: /\/schemas\.js$/ }, (args) => {
            if (args.kind !== 'dynamic-import') return undefined;
            const target = join(args.resolveDir, args.path).replace(/\\/g, '/');
            return target.endsWith(`/${distRel}/adapters/fs/schemas.js`) ? split('adapters/fs/schemas.js') : undefined;
          });
          // The same for the GitHub shapes' compiler, used only when the build's compiled shapes are stale.
          // The chunk is a CommonJS module, so its namespace has it only as `default` (shapes.ts's ajv2020 reads both).
          b.onResolve({ filter: /^ajv\/dist\/2020\.js$/ }, (args) => {
            if (args.kind !== 'dynamic-import') return undefined;
            const chunk = [...chunkOf].find(([entry]) => /(^|\/)node_modules\/ajv\/dist\/2020\.js$/.test(entry))?.[1];
            if (!chunk) throw new Error('no chunk of the split bundle for ajv/dist/2020.js');
            return { path: `./${chunk}`, external: true };
          });
        },
      },
    ],
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await bundleCli();
  // The core's digest, which every cache key holds, recorded once here rather than read from
  // dist/core/ by every run (src/adapters/fs/version.ts; a run checks the record against the
  // files' stats and reads the core itself when they moved).
  const { writeCodeDigest } = await import('../dist/adapters/fs/version.js');
  writeCodeDigest();
}
