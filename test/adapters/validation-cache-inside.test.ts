import { mkdirSync, mkdtempSync, renameSync, rmSync, statSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ValidationCache } from '../../src/adapters/fs/cache.js';
import { cacheKey } from '../../src/adapters/fs/cache-key.js';
import { DEFAULT_MAX_FILE_BYTES } from '../../src/adapters/fs/read-policy.js';
import { cli, makeOrg } from '../helpers/org.js';

/**
 * A warm validate stats its files and folders from inside the repository, by their paths there
 * (the process goes into the root for the loop and back), and keeps no full path per file. It
 * must see exactly what stats by full path see, leave the process where it was, and catch every
 * edit: each row edits an organisation whose cache is settled (older than the racy window) and
 * the next cached run must say what an uncached run says.
 */
const team = (name: string, field = 'members') => `apiVersion: opsledger/v1\nkind: Team\nmetadata: {name: ${name}}\nspec: {${field}: []}\n`;
const FILE = 'teams/x/x.yaml';

const mtimeOf = (p: string) => statSync(p, { bigint: true }).mtimeNs;
const setMtime = (p: string, ns: bigint) => execFileSync('touch', ['-m', '-d', `@${ns / 1_000_000_000n}.${String(ns % 1_000_000_000n).padStart(9, '0')}`, p]);

const EDITS: [string, (root: string) => void][] = [
  // The same size as the valid text, so that only ctime tells.
  ['rewritten in place: same size, mtime put back', (root) => {
    const p = join(root, FILE);
    const m = mtimeOf(p);
    writeFileSync(p, team('x', 'membres'));
    setMtime(p, m);
  }],
  ['edited, then touched back a day (touch -d)', (root) => {
    const p = join(root, FILE);
    const m = mtimeOf(p);
    writeFileSync(p, team('x', 'membres'));
    setMtime(p, m - 86_400_000_000_000n);
  }],
  ['replaced by a link to an invalid file elsewhere in the repository', (root) => {
    writeFileSync(join(root, 'teams/bad.txt'), team('x', 'membres'));
    unlinkSync(join(root, FILE));
    symlinkSync('../bad.txt', join(root, FILE));
  }],
  ['a new (invalid) file in an old folder', (root) => writeFileSync(join(root, 'teams/x/new.yaml'), team('z', 'membres'))],
  ['a new folder in an old folder', (root) => {
    mkdirSync(join(root, 'teams/x/deeper'));
    writeFileSync(join(root, 'teams/x/deeper/d.yaml'), team('d', 'membres'));
  }],
  ['a folder deleted', (root) => rmSync(join(root, 'teams/y'), { recursive: true })],
  ['a folder renamed', (root) => renameSync(join(root, 'teams/y'), join(root, 'teams/w'))],
];

// y is invalid from the start, so that its path is in the report: deleting or renaming its folder shows.
const ORG = { [FILE]: team('x'), 'teams/y/y.yaml': team('y', 'membres') };
const age = () => new Promise((r) => setTimeout(r, 2200));
const run = async (root: string, extra: string[] = []) => {
  const r = await cli(['validate', '--root', root, '--format', 'json', ...extra], root);
  return { code: r.code, stdout: r.stdout };
};

describe('stats from inside the repository', () => {
  const roots = new Map<string, string>();
  const settled = new Map<string, boolean>();
  const before = new Map<string, string>();
  beforeAll(async () => {
    for (const [name] of EDITS) roots.set(name, makeOrg(ORG));
    await age();
    for (const [name, edit] of EDITS) {
      const root = roots.get(name)!;
      before.set(name, (await run(root)).stdout);
      // Nothing changed: the cached result itself answers, through the folders' stats and the files'.
      const cache = new ValidationCache(root, cacheKey('v', DEFAULT_MAX_FILE_BYTES)).load();
      const kept = cache.listing(JSON.parse(cache['manifest']!.listed!) as string[]);
      settled.set(name, !!kept && cache.compare(kept.files, ValidationCache.statTable(kept.files, root), cache['manifest']!.extra).kind === 'unchanged');
      edit(root);
    }
    await age();
  }, 60_000);

  it.each(EDITS)('catch an edit: %s', async (name) => {
    const root = roots.get(name)!;
    expect(settled.get(name)).toBe(true);
    const where = process.cwd();
    const warm = await run(root);
    expect(process.cwd()).toBe(where);
    expect(warm).toEqual(await run(root, ['--no-cache']));
    expect(warm.stdout).not.toBe(before.get(name));
  });

  it('see what stats by full path see, for files, folders, links and missing paths, and leave the process where it was', () => {
    const root = makeOrg(ORG);
    symlinkSync('x', join(root, 'teams/link'));
    symlinkSync('nowhere', join(root, 'teams/dangling'));
    const files = [FILE, 'teams/x', 'teams', 'teams/link', 'teams/link/x.yaml', 'teams/dangling', 'teams/none.yaml', 'teams/x/x.yaml/under'].map((rel) => ({ rel, abs: join(root, rel) }));
    const where = process.cwd();
    const inside = ValidationCache.statTable(files, root);
    expect(process.cwd()).toBe(where);
    expect([...inside.numbers]).toEqual([...ValidationCache.statTable(files).numbers]);
    expect(inside.at(0)?.size).toBe(team('x').length);
    expect(inside.at(6)).toBeUndefined();
    // A root given relative to the process's folder is the same root.
    expect([...ValidationCache.statTable(files, relative(where, root)).numbers]).toEqual([...inside.numbers]);
    expect(process.cwd()).toBe(where);
  });

  it('fall back to full paths when the root cannot be entered', () => {
    const root = makeOrg(ORG);
    const files = [{ rel: FILE, abs: join(root, FILE) }];
    const gone = join(mkdtempSync(join(tmpdir(), 'opsledger-gone-')), 'none');
    const where = process.cwd();
    expect([...ValidationCache.statTable(files, gone).numbers]).toEqual([...ValidationCache.statTable(files).numbers]);
    expect(process.cwd()).toBe(where);
  });
});
