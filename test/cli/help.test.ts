import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { allOptions } from '../../src/cli/command-spec.js';
import { COMMANDS } from '../../src/cli/registry.js';
import { ensureBuilt } from '../helpers/built-cli.js';
import { cli, PROJECT_ROOT } from '../helpers/org.js';

// Every command in the registry, so a command added later is covered without editing this file.
const NAMES = Object.keys(COMMANDS);
const VERSION = (JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

describe('opsledger help <command>', () => {
  it.each(NAMES)('%s: lists every declared option with its default and example, and the examples', async (name) => {
    const spec = await COMMANDS[name]!.load();
    expect(spec.name).toBe(name);
    expect(spec.summary).toBe(COMMANDS[name]!.summary);
    const r = await cli(['help', name]);
    expect(r.code).toBe(0);
    expect(r.stdout.startsWith(`Usage: opsledger ${name}`)).toBe(true);
    expect(r.stdout).toContain(spec.summary);
    for (const [option, o] of Object.entries(allOptions(spec))) {
      const line = r.stdout.split('\n').findIndex((l) => new RegExp(`^  (-\\w, )?--${option}\\b`).test(l));
      expect(line, `--${option} in help ${name}`).toBeGreaterThan(-1);
      if (option === 'help') continue;
      // The default and example follow the option's line, or its description when that wraps.
      const details = r.stdout.split('\n').slice(line, line + 3).join('\n');
      if (o.type === 'boolean') expect(details).toContain(`default: off; example: --${option}`);
      else {
        const shown = o.multiple ? (o.default?.length ? o.default.join(', ') : (o.defaultText ?? 'none')) : (o.default ?? o.defaultText ?? 'none');
        expect(details).toContain(`default: ${shown}; example: --${option} `);
        expect(details).toContain(o.example);
      }
      if (o.type === 'string' && o.choices) expect(r.stdout).toContain(`--${option} <${o.choices.join('|')}>`);
    }
    expect(spec.examples.length).toBeGreaterThan(0);
    for (const example of spec.examples) expect(r.stdout).toContain(`  ${example}\n`);
  });

  it.each(NAMES)('%s --help prints the same help', async (name) => {
    const [viaHelp, viaFlag, viaShort] = await Promise.all([cli(['help', name]), cli([name, '--help']), cli([name, '-h'])]);
    expect(viaFlag).toEqual(viaHelp);
    expect(viaShort).toEqual(viaHelp);
  });

  it.each(NAMES)('%s: declares defaults among its choices and an example for every value option', async (name) => {
    const spec = await COMMANDS[name]!.load();
    for (const [option, o] of Object.entries(spec.options)) {
      if (o.type === 'boolean') continue;
      expect(o.example, `--${option}`).not.toBe('');
      const defaults = o.multiple ? (o.default ?? []) : o.default === undefined ? [] : [o.default];
      if (o.choices) for (const d of defaults) expect(o.choices, `--${option}`).toContain(d);
      if (o.choices && !o.multiple) expect(o.choices, `--${option}`).toContain(o.example);
    }
  });

  it.each([
    [['help', 'rsik'], 'unknown command "rsik"; did you mean "risk"?'],
    [['help', 'frobnicate'], 'unknown command "frobnicate"'],
    [['rsik'], 'unknown command "rsik"; did you mean "risk"?'],
    [['help', 'risk', 'gate'], 'name one command'],
  ])('opsledger %j exits 2: %s', async (args, message) => {
    const r = await cli(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
  });

  it('lists every command at the top level', async () => {
    const r = await cli(['help']);
    expect(r.code).toBe(0);
    for (const name of NAMES) expect(r.stdout).toContain(`  ${name.padEnd(10)} ${COMMANDS[name]!.summary}\n`);
  });
});

describe('the version', () => {
  it.each([['--version'], ['-V'], ['version']])('opsledger %s prints the package version', async (flag) => {
    expect(await cli([flag])).toEqual({ code: 0, stdout: `${VERSION}\n`, stderr: '' });
  });
});

describe('start-up loads only what the command needs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'opsledger-imports-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const HEAVY = ['ajv', 'ajv-formats', '@octokit', 'handlebars', 'yaml', 'js-yaml', 'simple-git'];

  /**
   * The modules the command loaded. Bundled (what bin/opsledger.js runs after `npm run build`),
   * each chunk loaded stands for the modules esbuild put in it, which it names in a comment line
   * each (`// dist/core/codes.js`, `// node_modules/yaml/dist/index.js`); the same rules then
   * hold for both builds.
   */
  function loaded(args: string[], bundled: boolean): string[] {
    ensureBuilt();
    const log = join(dir, `${bundled ? 'bundle' : 'dist'}-${args.join('_')}.log`);
    const r = spawnSync(process.execPath, ['--import', join(PROJECT_ROOT, 'test', 'cli', 'import-log.mjs'), join(PROJECT_ROOT, 'bin', 'opsledger.js'), ...args], {
      cwd: PROJECT_ROOT,
      env: { PATH: process.env.PATH ?? '', OPSLEDGER_IMPORT_LOG: log, ...(bundled ? {} : { OPSLEDGER_NO_BUNDLE: '1' }) },
      encoding: 'utf8',
    });
    expect(r.status, r.stderr).toBe(0);
    const urls = readFileSync(log, 'utf8').split('\n').filter(Boolean);
    const chunks = urls.filter((u) => u.includes('/dist/bundle/cli/'));
    // Which build ran is part of the test: a missing bundle must not pass for one that loads little.
    expect(chunks.length > 0, chunks.join('\n')).toBe(bundled);
    const inside = chunks.flatMap((u) => [...readFileSync(new URL(u), 'utf8').matchAll(/^\/\/ (\S+\.(?:[cm]?js|json))$/gm)].map((m) => pathToFileURL(join(PROJECT_ROOT, m[1]!)).href));
    return [...urls, ...inside];
  }

  it.each([
    [['--version'], []],
    [['-V'], []],
    [['--help'], []],
    [['-h'], []],
    [['help'], []],
    [['explain', 'ref.unresolved'], ['dist/cli/commands/explain.js', 'dist/core/codes.js']],
  ].flatMap(([args, needed]) => ['bundled', 'unbundled'].map((build) => [build, args, needed] as [string, string[], string[]])))('the %s CLI: opsledger %j imports no dependency and no other command', (build, args, needed) => {
    const urls = loaded(args, build === 'bundled');
    for (const n of needed) expect(urls.some((u) => u.endsWith(n))).toBe(true);
    expect(urls.some((u) => u.endsWith('dist/cli/main.js'))).toBe(true);
    // Named first, so a failure says which heavy dependency crept in before the general rule.
    expect(urls.filter((u) => HEAVY.some((h) => u.includes(`/node_modules/${h}/`)))).toEqual([]);
    expect(urls.filter((u) => u.includes('/node_modules/'))).toEqual([]);
    expect(urls.filter((u) => u.includes('/dist/cli/commands/') && !needed.some((n) => u.endsWith(n)))).toEqual([]);
    expect(urls.filter((u) => u === 'node:crypto' || u.endsWith('/adapters/fs/version.js'))).toEqual([]);
  });
});

describe('opsledger explain knows the refusal codes that record and incident timeline print', () => {
  it.each([
    ['record.locked', 'opsledger record'],
    ['record.rewrite-failure', 'opsledger record'],
    ['timeline.unsupported', 'opsledger incident timeline --add'],
    ['timeline.conflict', 'opsledger incident timeline --add'],
  ])('%s', async (code, command) => {
    const r = await cli(['explain', code]);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe(`${code}: a refusal of ${command}`);
  });

  it('suggests a refusal code for a typo and lists every refusal with no code', async () => {
    const typo = await cli(['explain', 'record.lockd']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('"record.locked"');
    const all = await cli(['explain']);
    const listed = all.stdout.split('\n').map((l) => l.split(/\s+/)[0]);
    for (const code of ['record.dirty', 'timeline.not-found', 'incident.action-overdue']) expect(listed).toContain(code);
  });
});

describe('metrics and audit read a period the same way', () => {
  it.each([
    [{ since: '30d', until: '2026-12-01T00:00:00Z' }],
    [{ since: '2026-10-01T00:00:00+09:00', until: '2026-12-01T00:00:00Z' }],
    [{}],
  ])('%j', async (values) => {
    const { metricsWindow } = await import('../../src/cli/commands/metrics.js');
    const { auditPeriod } = await import('../../src/cli/commands/audit.js');
    const now = Date.parse('2026-12-07T00:00:00Z');
    const m = metricsWindow(values, now);
    const a = auditPeriod(values, now);
    expect([a.since, a.until]).toEqual([m.from, m.to]);
  });
});
