#!/usr/bin/env node
// The core must stay pure: no filesystem, processes, network, git or Actions runtime. Adapters
// in src/adapters wrap all of those. Exits 1 and lists every offending import.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const FORBIDDEN = [
  /^(node:)?(fs|fs\/promises|child_process|net|http|https|http2|dgram|dns|tls|worker_threads|cluster|os|process|readline|url)$/,
  /^simple-git$/,
  /^@octokit\//,
  /^@actions\//,
  /^playwright/,
];
const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|(?:^|\n)\s*import\s*['"]([^'"]+)['"]/g;

export function findViolations(coreDir) {
  const out = [];
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts')) {
        const text = readFileSync(p, 'utf8');
        for (const m of text.matchAll(IMPORT)) {
          const spec = m[1] ?? m[2] ?? m[3];
          if (FORBIDDEN.some((r) => r.test(spec))) out.push({ file: p, spec });
          if (spec.startsWith('.') && /\/(adapters|cli|report)\//.test(join(dir, spec))) out.push({ file: p, spec });
        }
        if (/\bprocess\.(env|cwd|exit|argv|stdout|stderr)\b/.test(text)) out.push({ file: p, spec: 'process.*' });
      }
    }
  };
  walk(coreDir);
  return out;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const root = join(fileURLToPath(new URL('.', import.meta.url)), '..');
  // The import/export mappings and the scaffolding templates are pure by the same rule: their
  // adapters (reading and writing files, prompting) live in src/adapters and src/cli.
  const pure = ['core', 'import', 'export', 'scaffold'].filter((d) => existsSync(join(root, 'src', d)));
  const violations = pure.flatMap((d) => findViolations(join(root, 'src', d)));
  for (const v of violations) console.error(`${relative(root, v.file)}: imports ${v.spec}; ${pure.map((d) => `src/${d}`).join(', ')} must stay free of I/O`);
  if (violations.length) process.exit(1);
  console.log(`${pure.map((d) => `src/${d}`).join(', ')} are pure: no fs, process, network, git or @actions imports`);
}
