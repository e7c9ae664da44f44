import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lstatSync, symlinkSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SITE_MARKER } from '../../src/catalog/render-site.js';
import { replaceDirectory, UnsafeTargetError } from '../../src/catalog/write-site.js';
import { cli, makeOrg } from '../helpers/org.js';

function scratch(): string {
  return mkdtempSync(join(tmpdir(), 'opsledger-write-'));
}

/** What is left in the parent besides the site: temp folders must never linger. */
function leftovers(parent: string): string[] {
  return readdirSync(parent).filter((n) => n.startsWith('.'));
}

describe('replacing a site folder', () => {
  it('swaps a finished build in and removes the old site and every temp folder', async () => {
    const parent = scratch();
    const target = join(parent, 'site');
    await replaceDirectory(target, async (dir) => {
      writeFileSync(join(dir, 'old.html'), 'old');
      writeFileSync(join(dir, SITE_MARKER), '');
    });
    await replaceDirectory(target, async (dir) => {
      writeFileSync(join(dir, 'new.html'), 'new');
      writeFileSync(join(dir, SITE_MARKER), '');
    });
    expect(readdirSync(target).sort()).toEqual([SITE_MARKER, 'new.html']);
    expect(leftovers(parent)).toEqual([]);
  });

  it('leaves the previous site whole when a build fails', async () => {
    const parent = scratch();
    const target = join(parent, 'site');
    await replaceDirectory(target, async (dir) => {
      writeFileSync(join(dir, 'index.html'), 'v1');
      writeFileSync(join(dir, SITE_MARKER), '');
    });
    await expect(
      replaceDirectory(target, async (dir) => {
        writeFileSync(join(dir, 'index.html'), 'half');
        throw new Error('disk full');
      }),
    ).rejects.toThrow('disk full');
    expect(readFileSync(join(target, 'index.html'), 'utf8')).toBe('v1');
    expect(leftovers(parent)).toEqual([]);
  });

  it.each([
    ['a link to a catalog it built', (target: string, elsewhere: string) => (mkdirSync(elsewhere), writeFileSync(join(elsewhere, '.opsledger-catalog'), ''), symlinkSync(elsewhere, target))],
    ['a link to an empty folder', (target: string, elsewhere: string) => (mkdirSync(elsewhere), symlinkSync(elsewhere, target))],
    ['a link that points nowhere', (target: string, elsewhere: string) => symlinkSync(elsewhere, target)],
  ])('refuses to replace %s, and leaves the link as it was', async (_name, plant) => {
    const parent = scratch();
    const target = join(parent, 'site');
    const elsewhere = join(parent, 'elsewhere');
    plant(target, elsewhere);
    await expect(replaceDirectory(target, async () => undefined)).rejects.toBeInstanceOf(UnsafeTargetError);
    expect(lstatSync(target).isSymbolicLink()).toBe(true);
  });

  it('refuses to replace a folder it did not build', async () => {
    const parent = scratch();
    const target = join(parent, 'docs');
    mkdirSync(target);
    writeFileSync(join(target, 'notes.md'), 'precious');
    await expect(replaceDirectory(target, async () => undefined)).rejects.toBeInstanceOf(UnsafeTargetError);
    expect(readFileSync(join(target, 'notes.md'), 'utf8')).toBe('precious');
    expect(leftovers(parent)).toEqual([]);
  });
});

describe('opsledger catalog', () => {
  it('builds the site, says where it is, and rebuilds over its own output', async () => {
    const org = makeOrg();
    const first = await cli(['catalog', '--root', org], org);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^Catalog written to site\/ \(\d+ pages, times in Asia\/Seoul, [\d.]+s\)\. Open site\/index\.html in a browser\.\n$/);
    // The fixture is no git repository: the site says there is no history instead of failing.
    expect(first.stderr).toContain('not a git repository');
    expect(readFileSync(join(org, 'site', 'services', 'checkout-api.html'), 'utf8')).toContain('No git history');
    const again = await cli(['catalog', '--root', org, '--out', 'site', '--locale', 'ko'], org);
    expect(again.code).toBe(0);
    expect(readFileSync(join(org, 'site', 'index.html'), 'utf8')).toContain('<html lang="ko">');
  });

  it('exits 2 on a bad locale, an output folder that is not a catalog, or the organisation itself as output', async () => {
    const org = makeOrg();
    const locale = await cli(['catalog', '--root', org, '--locale', 'fr'], org);
    expect(locale.code).toBe(2);
    expect(locale.stderr).toContain('unknown locale "fr"; use one of en, ko');
    const notOurs = await cli(['catalog', '--root', org, '--out', 'services'], org);
    expect(notOurs.code).toBe(2);
    expect(notOurs.stderr).toContain('is not a catalog built by opsledger');
    expect(existsSync(join(org, 'services', 'checkout', 'service.yaml'))).toBe(true);
    const itself = await cli(['catalog', '--root', org, '--out', '.'], org);
    expect(itself.code).toBe(2);
  });

  it('exits 1 and writes nothing for an invalid organisation', async () => {
    const org = makeOrg({ 'services/checkout/service.yaml': 'apiVersion: opsledger/v1\nkind: Service\nmetadata: {name: checkout-api}\nspec: {tier: 9}\n' });
    const r = await cli(['catalog', '--root', org], org);
    expect(r.code).toBe(1);
    expect(existsSync(join(org, 'site'))).toBe(false);
  });
});
