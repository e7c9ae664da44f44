import { appendFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import type { LoadedRepository } from '../../src/adapters/fs/load-repository.js';
import { worktreeSource } from '../../src/adapters/fs/worktree-source.js';
import { checkOrganisation, loadOrganisation, validationOf } from '../../src/app/load-organisation.js';
import type { FullValidation } from '../../src/app/ports/source.js';
import { copyExampleOrg } from '../helpers/example-org.js';

/**
 * A load that keeps values (every model command) takes the last validate run's result from
 * validate's cache where it still holds, as validate itself would (src/adapters/fs/load-repository.ts
 * `judgedBy`, src/app/load-organisation.ts `judgedValidation`). Whatever it takes must be what
 * running every rule over the files gives, byte for byte; where it cannot know, it runs them.
 */

// Files changed within the racy window are never trusted by their stat.
const age = () => new Promise((r) => setTimeout(r, 2200));

const text = (v: FullValidation) => JSON.stringify({ diagnostics: v.diagnostics, summary: v.summary, deadlines: v.deadlines ?? [], documentsByFile: { ...v.documentsByFile } });

/** The load, what it judged, and the result every rule over the same files gives. */
async function load(root: string): Promise<{ judged: string; validation: string; fresh: string }> {
  const loaded = await loadOrganisation(worktreeSource(root));
  const repo = loaded.repo as LoadedRepository;
  const judged = !repo.judged ? 'rules' : 'result' in repo.judged ? 'result' : 'patched';
  return { judged, validation: text(loaded.validation), fresh: text(await validationOf(repo, root)) };
}

const SERVICE = 'services/checkout-api/service.yaml';

describe('a load that keeps values and validate cache', () => {
  let root: string;
  beforeEach(async () => {
    root = copyExampleOrg();
    // Problems of each stage, so there are own diagnostics and placed cross-document findings to keep.
    writeFileSync(join(root, 'teams', 'broken.yaml'), 'apiVersion: opsledger/v1\nkind: Team\nmetadata: {name: broken\nspec: {}\n');
    writeFileSync(join(root, 'services', 'dangling.yaml'), 'apiVersion: opsledger/v1\nkind: Service\nmetadata: {name: dangling}\nspec: {owner: nobody, tier: 2, lifecycle: production}\n');
    await age();
    // The model's first load fills the value cache; validate then keeps its result (over the load's own).
    await loadOrganisation(worktreeSource(root));
    await checkOrganisation(worktreeSource(root), { cache: true });
  }, 30_000);

  it.each<[string, string, (root: string) => void]>([
    ['nothing changed', 'result', () => {}],
    ['a comment appended', 'patched', (r) => appendFileSync(join(r, SERVICE), '# reviewed\n')],
    ['lines inserted above the dangling reference', 'patched', (r) => writeFileSync(join(r, 'services', 'dangling.yaml'), `# moved down\n# twice\n${readFileSync(join(r, 'services', 'dangling.yaml'), 'utf8')}`)],
    ['a description edited', 'patched', (r) => writeFileSync(join(r, SERVICE), readFileSync(join(r, SERVICE), 'utf8').replace('Turns a cart into an order', 'Turns a basket into an order'))],
    ['a schema error added', 'patched', (r) => writeFileSync(join(r, SERVICE), readFileSync(join(r, SERVICE), 'utf8').replace('\nspec:\n', '\nspec:\n  colour: blue\n'))],
    ['a reference moved (records change)', 'rules', (r) => writeFileSync(join(r, 'services', 'dangling.yaml'), readFileSync(join(r, 'services', 'dangling.yaml'), 'utf8').replace('owner: nobody', 'owner: nobody-else'))],
    ['a file added', 'rules', (r) => writeFileSync(join(r, 'teams', 'new.yaml'), 'apiVersion: opsledger/v1\nkind: Team\nmetadata: {name: new}\nspec: {}\n')],
    ['a file deleted', 'rules', (r) => rmSync(join(r, 'teams', 'broken.yaml'))],
    ['validate cache gone', 'rules', (r) => rmSync(join(r, '.opsledger-cache', 'manifest.json'))],
  ])('%s: judged by %s, the result every rule gives', async (_, how, edit) => {
    edit(root);
    const got = await load(root);
    expect(got.judged).toBe(how);
    expect(got.validation).toBe(got.fresh);
    expect(JSON.parse(got.validation).diagnostics.map((d: { code: string }) => d.code)).toEqual(expect.arrayContaining(['ref.unresolved']));
  }, 30_000);

  it('a load that ran the rules leaves its result for the next load and for validate', async () => {
    rmSync(join(root, '.opsledger-cache', 'manifest.json'));
    expect((await load(root)).judged).toBe('rules');
    const again = await load(root);
    expect(again.judged).toBe('result');
    expect(again.validation).toBe(again.fresh);
    // validate answers from it without reading a file, and its answer is what every rule gives.
    const checked = await checkOrganisation(worktreeSource(root), { cache: true });
    expect(checked.repo.unchanged).toBeDefined();
    expect(text(checked.validation)).toBe(again.fresh);
  }, 30_000);

  it('a record edit is judged again once the rules have run', async () => {
    writeFileSync(join(root, 'services', 'dangling.yaml'), readFileSync(join(root, 'services', 'dangling.yaml'), 'utf8').replace('tier: 2', 'tier: 3'));
    expect((await load(root)).judged).toBe('rules');
    // The edited file is within the racy window of that run, so its bytes are judged again: patched, not trusted by stat.
    const again = await load(root);
    expect(again.judged).toBe('patched');
    expect(again.validation).toBe(again.fresh);
  }, 30_000);
});
