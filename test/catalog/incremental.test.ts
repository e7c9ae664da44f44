import { copyFileSync, cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeManifest, encodeManifest, KEPT_SITE_MANIFESTS, siteManifestPath, type ManifestEntry } from '../../src/catalog/site-manifest.js';
import { changedContent, expectSameSite, rewritten, snapshot } from './site-snapshot.js';
import { ensureBuilt, runBuiltCli } from '../helpers/built-cli.js';
import { copyExampleOrg } from '../helpers/example-org.js';
import { cli } from '../helpers/org.js';
import { EXAMPLE_AT } from './site.js';

const tempSite = () => join(mkdtempSync(join(tmpdir(), 'opsledger-site-')), 'site');

async function build(org: string, out: string, extra: string[] = []) {
  const r = await cli(['catalog', '--root', org, '--out', out, '--at', EXAMPLE_AT, ...extra], org);
  expect([r.code, r.stderr]).toEqual([0, expect.any(String)]);
  return r;
}

/** "N files rewritten" of an update; undefined for a fresh build. */
const rewrittenCount = (stdout: string) => {
  const m = /^Catalog updated in .*, (\d+) files rewritten,/.exec(stdout);
  return m ? Number(m[1]) : undefined;
};

function editService(org: string): void {
  const file = join(org, 'services', 'checkout-api', 'service.yaml');
  writeFileSync(file, readFileSync(file, 'utf8').replace('Turns a cart into an order', 'Turns a basket into an order'));
}

describe('a second catalog build into the same folder', () => {
  /** A fresh build of the example with editService applied: what every update after that edit must equal. */
  let edited: string;
  beforeAll(async () => {
    const org = copyExampleOrg();
    editService(org);
    edited = tempSite();
    await build(org, edited);
  }, 120_000);

  it('after a one-file edit writes only the pages whose bytes changed, and the site is byte for byte a fresh build', async () => {
    const org = copyExampleOrg();
    const site = tempSite();
    await build(org, site);
    const before = snapshot(site);
    editService(org);
    const update = await build(org, site);
    expectSameSite(site, edited);
    const after = snapshot(site);
    // Exactly the files whose bytes changed were written; every other file is untouched.
    const changed = changedContent(before, after);
    expect(rewritten(before, after)).toEqual(changed);
    expect(changed).toContain('services/checkout-api.html');
    expect(changed.length).toBeLessThan(before.size / 4);
    expect(rewrittenCount(update.stdout)).toBe(changed.length);
  }, 120_000);

  it('with nothing changed writes no file', async () => {
    const org = copyExampleOrg();
    const site = tempSite();
    await build(org, site);
    const before = snapshot(site);
    const again = await build(org, site);
    expect(rewrittenCount(again.stdout)).toBe(0);
    expect(rewritten(before, snapshot(site))).toEqual([]);
  }, 120_000);

  it('an hour later rewrites only the pages that show something that changed with the time: the build time is on the front page alone', async () => {
    const org = copyExampleOrg();
    const site = tempSite();
    await build(org, site);
    const before = snapshot(site);
    await build(org, site, ['--at', '2026-11-22T13:00:00+09:00']);
    const after = snapshot(site);
    const changed = changedContent(before, after);
    expect(rewritten(before, after)).toEqual(changed);
    expect(changed).toContain('index.html');
    // Service, team and CI pages show nothing that an hour turns over.
    expect(changed.filter((f) => /^(services|teams|cis)\//.test(f))).toEqual([]);
  }, 120_000);

  it('repairs pages deleted, edited (same size) or extended by hand, and removes files it did not make', async () => {
    const org = copyExampleOrg();
    const site = tempSite();
    await build(org, site);
    unlinkSync(join(site, 'services', 'checkout-api.html'));
    const teams = readdirSync(join(site, 'teams'));
    const byHand = join(site, 'teams', teams[0]!);
    const text = readFileSync(byHand, 'latin1');
    const at = text.indexOf('<main');
    writeFileSync(byHand, `${text.slice(0, at)}<MAIN${text.slice(at + 5)}`, 'latin1');
    writeFileSync(join(site, 'index.html'), '<p>defaced</p>', { flag: 'a' });
    writeFileSync(join(site, 'stray.html'), 'not ours');
    mkdirSync(join(site, 'extra', 'deeper'), { recursive: true });
    writeFileSync(join(site, 'extra', 'deeper', 'x.html'), 'not ours');
    editService(org);
    await build(org, site);
    expectSameSite(site, edited);
    expect(existsSync(join(site, 'extra'))).toBe(false);
  }, 120_000);

  it('removes the pages of documents that are gone', async () => {
    const org = copyExampleOrg();
    const site = tempSite();
    await build(org, site);
    const changes = readdirSync(join(org, 'changes'), { recursive: true }).map(String).filter((f) => f.endsWith('.yaml'));
    expect(changes.length).toBeGreaterThan(1);
    rmSync(join(org, 'changes', changes[0]!));
    await build(org, site);
    const fresh = tempSite();
    await build(org, fresh);
    expectSameSite(site, fresh);
  }, 120_000);

  /** The manifest's entries changed by `change`, written back under its own key and digest. */
  const rewriteManifest = (manifest: string, change: (files: Map<string, ManifestEntry>) => void) => {
    const m = decodeManifest(readFileSync(manifest))!;
    change(m.entries);
    writeFileSync(manifest, encodeManifest(m.key, m.entries));
  };

  /** Each plants something in a built site or its manifest; the next build must not trust it. */
  const hostile: [string, (manifest: string, site: string, outside: string) => void][] = [
    ['a manifest cut short', (manifest) => writeFileSync(manifest, readFileSync(manifest).subarray(0, -100))],
    ['a manifest with one byte changed', (manifest) => {
      const bytes = readFileSync(manifest);
      bytes[bytes.length - 30]! ^= 1;
      writeFileSync(manifest, bytes);
    }],
    ['a manifest that is a link', (manifest, _site, outside) => {
      writeFileSync(outside, readFileSync(manifest));
      unlinkSync(manifest);
      symlinkSync(outside, manifest);
    }],
    ['a manifest of another format (format 2, JSON)', (manifest) => writeFileSync(manifest, JSON.stringify({ format: 2, key: decodeManifest(readFileSync(manifest))!.key, files: {} }))],
    ['a manifest whose entries are not entries', (manifest) => rewriteManifest(manifest, (files) => void files.set('index.html', ['k', 'h', Number.NaN, 0, 0]))],
    ['a manifest that vouches for a page edited since (its size written down anew)', (manifest, site) => {
      const page = join(site, 'services', 'checkout-api.html');
      writeFileSync(page, 'stale');
      rewriteManifest(manifest, (files) => {
        const entry = files.get('services/checkout-api.html')!;
        entry[2] = lstatSync(page).size;
        entry[3] = lstatSync(page).mtimeMs;
      });
    }],
    ['a manifest that names files outside the site', (manifest, site, outside) => {
      writeFileSync(outside, 'precious');
      rewriteManifest(manifest, (files) => {
        files.set(relative(site, outside), ['k', 'h', 8, 0, 0]);
        files.set('/etc/hostname', ['k', 'h', 8, 0, 0]);
      });
    }],
    ['a folder of pages replaced by a link to another folder', (_manifest, site, outside) => {
      mkdirSync(outside);
      rmSync(join(site, 'teams'), { recursive: true });
      symlinkSync(outside, join(site, 'teams'));
    }],
    ['a cache folder replaced by a link to another folder holding the manifest', (manifest, _site, outside) => {
      mkdirSync(outside);
      cpSync(dirname(manifest), outside, { recursive: true });
      rmSync(dirname(manifest), { recursive: true });
      symlinkSync(outside, dirname(manifest));
    }],
  ];

  /** What is at a path outside the site, to show the build left it alone. */
  const state = (path: string) => {
    const st = lstatSync(path, { throwIfNoEntry: false });
    if (!st) return 'absent';
    if (st.isDirectory()) return `folder ${readdirSync(path).join(',')}`;
    return `file ${readFileSync(path, 'latin1')}`;
  };

  it.each(hostile)('is not misled by %s, and touches nothing outside the site', async (_name, plant) => {
    const org = copyExampleOrg();
    const site = tempSite();
    const outside = join(mkdtempSync(join(tmpdir(), 'opsledger-outside-')), 'thing');
    await build(org, site);
    editService(org);
    const manifest = siteManifestPath(org, site)!;
    plant(manifest, site, outside);
    const planted = state(outside);
    const update = await build(org, site);
    expectSameSite(site, edited);
    // Built afresh, or updated with every planted page repaired.
    if (rewrittenCount(update.stdout) === undefined) expect(readdirSync(join(site, 'teams')).length).toBeGreaterThan(0);
    expect(state(outside)).toBe(planted);
  }, 120_000);

  it('with the manifest of another output folder in its place builds afresh', async () => {
    const org = copyExampleOrg();
    const site = tempSite();
    const other = join(dirname(site), 'other');
    await build(org, site);
    await build(org, other);
    copyFileSync(siteManifestPath(org, other)!, siteManifestPath(org, site)!);
    editService(org);
    const update = await build(org, site);
    expect(rewrittenCount(update.stdout)).toBeUndefined();
    expectSameSite(site, edited);
  }, 120_000);

  it('keeps its manifest in the cache folder, not in the site it deploys, and removes one an older build left in the site', async () => {
    const org = copyExampleOrg();
    const site = tempSite();
    await build(org, site);
    expect(lstatSync(siteManifestPath(org, site)!).isFile()).toBe(true);
    writeFileSync(join(site, '.opsledger-manifest.json'), '{}');
    // A JSON manifest (format 2) an older opsledger left in the cache folder goes too.
    const older = join(dirname(siteManifestPath(org, site)!), 'catalog-site-older.json');
    writeFileSync(older, '{"format":2}');
    editService(org);
    const update = await build(org, site);
    expect(rewrittenCount(update.stdout)).toBeGreaterThan(0);
    expect(existsSync(join(site, '.opsledger-manifest.json'))).toBe(false);
    expect(existsSync(older)).toBe(false);
    expectSameSite(site, edited);
  }, 120_000);

  it(`keeps the manifests of the ${KEPT_SITE_MANIFESTS} output folders built last, and the newest one's update still works`, async () => {
    const org = copyExampleOrg();
    const sites = Array.from({ length: KEPT_SITE_MANIFESTS + 1 }, tempSite);
    for (const site of sites) await build(org, site);
    const kept = sites.map((site) => existsSync(siteManifestPath(org, site)!));
    expect(kept).toEqual([false, ...Array<boolean>(KEPT_SITE_MANIFESTS).fill(true)]);
    const again = await build(org, sites.at(-1)!);
    expect(rewrittenCount(again.stdout)).toBe(0);
  }, 120_000);

  it('in another locale builds afresh', async () => {
    const org = copyExampleOrg();
    const site = tempSite();
    await build(org, site);
    const ko = await build(org, site, ['--locale', 'ko']);
    expect(rewrittenCount(ko.stdout)).toBeUndefined();
    const fresh = tempSite();
    await build(org, fresh, ['--locale', 'ko']);
    expectSameSite(site, fresh);
  }, 120_000);

  it('that fails part-way leaves no manifest, and the build after it starts over', async () => {
    const org = copyExampleOrg();
    const site = tempSite();
    await build(org, site);
    editService(org);
    // The changed page cannot be written (a folder stands where it goes): the update fails
    // after it has removed the manifest, and may have written other pages already.
    const page = join(site, 'services', 'checkout-api.html');
    rmSync(page);
    mkdirSync(page);
    writeFileSync(join(page, 'x'), '');
    const r = await cli(['catalog', '--root', org, '--out', site, '--at', EXAMPLE_AT], org);
    expect(r.code).not.toBe(0);
    expect(existsSync(siteManifestPath(org, site)!)).toBe(false);
    const again = await build(org, site);
    expect(rewrittenCount(again.stdout)).toBeUndefined();
    expectSameSite(site, edited);
  }, 120_000);
});

describe('an update after a build on several threads (the built CLI)', () => {
  beforeAll(() => ensureBuilt('dist/catalog/render-worker.js'));

  it('finds every page the threads wrote intact', async () => {
    const org = copyExampleOrg();
    const site = tempSite();
    const first = await runBuiltCli(['catalog', '--root', org, '--out', site, '--at', EXAMPLE_AT, '--threads', '3'], { cwd: org });
    expect(first.code).toBe(0);
    const before = snapshot(site);
    const again = await runBuiltCli(['catalog', '--root', org, '--out', site, '--at', EXAMPLE_AT, '--threads', '3'], { cwd: org });
    expect(rewrittenCount(again.stdout)).toBe(0);
    expect(rewritten(before, snapshot(site))).toEqual([]);
  }, 120_000);
});

describe('the site manifest (format 3)', () => {
  const entries = new Map<string, ManifestEntry>([
    ['index.html', ['k1', 'h1', 120, 1765000000000.123, 1765000000001.5]],
    ['services/caf\u00e9.html', ['k2', 'h2', 0, 0, 0]],
  ]);
  const bytes = encodeManifest('the key', entries);

  it('reads back what it wrote', () => {
    expect(decodeManifest(bytes)).toEqual({ key: 'the key', entries });
    expect(decodeManifest(encodeManifest('k', new Map()))).toEqual({ key: 'k', entries: new Map() });
  });

  const flipped = (at: number) => {
    const b = Buffer.from(bytes);
    b[at]! ^= 1;
    return b;
  };
  it.each([
    ['cut short', bytes.subarray(0, -1)],
    ['with a byte added', Buffer.concat([bytes, Buffer.from([0])])],
    ['with a number changed', flipped(bytes.indexOf(10) + 3)],
    ['with a path changed', flipped(bytes.length - 3)],
    ['without its header line', bytes.subarray(bytes.indexOf(10) + 1)],
    ['with a size that is not a number (its digest right)', encodeManifest('the key', new Map([['a.html', ['k', 'h', Number.NaN, 0, 0] as ManifestEntry]]))],
    ['with an empty key (its digest right)', encodeManifest('the key', new Map([['a.html', ['', 'h', 1, 0, 0] as ManifestEntry]]))],
    ['as format 2 JSON', Buffer.from(JSON.stringify({ format: 2, key: 'the key', files: {} }))],
  ])('is not read when %s', (_name, b) => {
    expect(decodeManifest(b)).toBeUndefined();
  });
});
