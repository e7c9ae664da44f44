#!/usr/bin/env node
// The CLI is compiled to dist/ by `npm run build` (npm ci runs it through `prepare`).
import('../dist/cli/main.js').then((m) => m.run(process.argv.slice(2))).then(
  (code) => { process.exitCode = code; },
  (err) => {
    process.stderr.write(`opsledger: internal error: ${err && err.message ? err.message : String(err)}\n`);
    process.exitCode = 2;
  },
);
