#!/usr/bin/env node
import { existsSync, readFileSync } from 'node:fs';
import nodeModule from 'node:module';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';

// A command reads thousands of files once each and is done in a second or two. On V8's default
// thresholds its optimizing compiler (TurboFan, on background threads) spent about a third of
// such a run's CPU compiling functions the run had nearly finished with, and each analysis thread
// paid for it again: a cold validate of the example corpus x200 on two threads, 1.1 of 3.0 s of
// CPU. Optimizing later took that run from 1.81 to 1.58 s of wall time on Node 20 (median of 8
// rounds; the L organisation, whose main thread runs longer, 2.74 against 2.77 s) and from 1.52
// to 1.33 s on Node 22 (bench/README.md, "V8's tier-up"). The flag is named differently before V8
// 12 (Node 20) and after, and V8 prints an error for a flag it lacks.
v8.setFlagsFromString(Number(process.versions.v8.split('.')[0]) >= 12 ? '--invocation-count-for-turbofan=30000' : '--interrupt-budget=600000');

// Node 22.1+ keeps the compiled code of every module it loads in a cache folder (the system's
// temp folder unless NODE_COMPILE_CACHE says otherwise; NODE_DISABLE_COMPILE_CACHE=1 turns it
// off): a command then skips compiling the several hundred modules of opsledger and its
// dependencies on every run after the first. Older Node has no such function.
nodeModule.enableCompileCache?.();

// A reader that stops early (`opsledger explain | head -1`) closes the pipe: what is left of
// the output has nowhere to go, which is no failure of the work, so the run ends with the work's
// own exit code and no trace. Any other write failure (a full disk) is exit 2, stated once.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err) => {
    if (err && err.code === 'EPIPE') return;
    process.exitCode = 2;
    if (stream !== process.stderr) process.stderr.write(`opsledger: cannot write the output: ${err && err.message ? err.message : String(err)}\n`);
  });
}
// The CLI is compiled to dist/ by `npm run build` (`npm test`, `npm start` and `npm pack` run
// it; a packed package ships dist/). A clone where nobody built it yet is told so plainly.
if (!existsSync(new URL('../dist/cli/main.js', import.meta.url))) {
  process.stderr.write(`opsledger: dist/ is not built; run \`npm run build\` in ${decodeURIComponent(new URL('..', import.meta.url).pathname)}\n`);
  process.exit(2);
}
// `npm run build` ends by bundling dist/ into dist/bundle/cli/ (scripts/bundle-cli.mjs): a few
// files per command instead of some 130 modules, which is most of the start of a command that
// reads an organisation. It is run only when the id in its stamp ends dist/cli/main.js too: tsc
// rewrites main.js without it, so after a bare `tsc` the stale bundle is passed over.
// OPSLEDGER_NO_BUNDLE=1 runs dist/ unbundled.
// Some commands (the gate, validate: scripts/bundle-cli.mjs says which) have a file of their own
// in the bundle, main and the command in one module, which Node loads far faster than the
// chunks: run when that command comes first.
let entry = '../dist/cli/main.js';
if (!process.env.OPSLEDGER_NO_BUNDLE) {
  try {
    const id = readFileSync(new URL('../dist/bundle/cli/built', import.meta.url), 'utf8');
    if (id && readFileSync(new URL('../dist/cli/main.js', import.meta.url), 'utf8').endsWith(`\n// opsledger-bundle: ${id}\n`)) {
      entry = '../dist/bundle/cli/main.js';
      const command = process.argv[2];
      if (command && /^[a-z][a-z-]*$/.test(command) && existsSync(new URL(`../dist/bundle/cli/cmd-${command}.js`, import.meta.url))) entry = `../dist/bundle/cli/cmd-${command}.js`;
    }
  } catch {
    // not bundled: run dist/ as tsc wrote it
  }
}
// Node without a compile cache runs a one-file command as the classic script the build made
// beside it, whose compiled code can be kept between runs (bin/script-cache.js);
// NODE_DISABLE_COMPILE_CACHE=1 turns that off as it turns off Node's own.
let script;
if (!nodeModule.enableCompileCache && !process.env.NODE_DISABLE_COMPILE_CACHE && entry.startsWith('../dist/bundle/cli/cmd-')) {
  const scriptFile = new URL(entry.replace(/\.js$/, '.script.js'), import.meta.url);
  if (existsSync(scriptFile)) {
    try {
      script = (await import('./script-cache.js')).runScript(fileURLToPath(scriptFile), fileURLToPath(new URL(entry, import.meta.url)));
    } catch {
      // a script that does not compile or load: the module is the same code
    }
  }
}
(script ? Promise.resolve(script.exports) : import(entry)).then((m) => m.run(process.argv.slice(2))).then(
  (code) => {
    if (!process.exitCode) process.exitCode = code;
    try {
      script?.keep();
    } catch {
      // the code is kept by the next run that can
    }
  },
  (err) => {
    process.stderr.write(`opsledger: internal error: ${err && err.message ? err.message : String(err)}\n`);
    process.exitCode = 2;
  },
);
