import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../helpers/org.js';

/**
 * The action runs the committed bundle, not the sources: rebuilding it must give exactly the
 * committed bytes, or the action would run different code than the repository shows.
 * Fix a failure with `npm run bundle` and commit action/bundle.
 */
const out = mkdtempSync(join(tmpdir(), 'opsledger-bundle-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('the committed action bundle', () => {
  it('is what `npm run bundle` builds from the current sources', async () => {
    const { bundle, OUT_DIR } = (await import(join(PROJECT_ROOT, 'scripts', 'bundle.mjs'))) as { bundle(dir: string): Promise<void>; OUT_DIR: string };
    await bundle(out);
    const fresh = readdirSync(out).sort();
    expect(readdirSync(OUT_DIR).sort()).toEqual(fresh);
    for (const file of fresh) {
      const same = readFileSync(join(OUT_DIR, file)).equals(readFileSync(join(out, file)));
      expect(same, `action/bundle/main/${file} is stale: run npm run bundle`).toBe(true);
    }
  }, 60_000);

  it('is what action.yml runs, on node24', () => {
    const yml = readFileSync(join(PROJECT_ROOT, 'action.yml'), 'utf8');
    expect(yml).toMatch(/using: ['"]?node24/);
    expect(yml).toMatch(/main: ['"]?action\/bundle\/main\/index\.js/);
  });
});
