import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { nextChangeId } from '../../src/scaffold/documents.js';
import { makeOrg, validateJson } from '../helpers/org.js';
import { ensureBuilt, HAS_SCRIPT, KEY, Terminal } from '../helpers/pty.js';

/**
 * `opsledger new` on a pseudo-terminal: typed answers, arrow-key selects, checkboxes, an answer
 * refused as it is typed, and Ctrl+C. The files it writes must validate.
 */
const terminals: Terminal[] = [];
const open = (args: string[], cwd: string, env: Record<string, string> = {}) => {
  const t = new Terminal(args, { cwd, env });
  terminals.push(t);
  return t;
};
afterEach(() => {
  for (const t of terminals.splice(0)) t.kill();
});

describe.skipIf(!HAS_SCRIPT)('opsledger new on a terminal (util-linux script)', () => {
  beforeAll(() => ensureBuilt(), 120_000);

  it('new team: asks for each field, refuses a bad name as it is typed, writes a valid team', async () => {
    const root = makeOrg();
    const t = open(['new', 'team', '--root', root], root);
    await t.answer(/Team name/, 'Bad Name', KEY.enter);
    await t.answer(/use lower-case letters/, ...Array(8).fill(KEY.backspace), 'platform-sre', KEY.enter);
    await t.answer(/Title/, KEY.enter);
    await t.answer(/Members/, 'alice,bob', KEY.enter);
    await t.answer(/GitHub team/, 'acme/platform-sre', KEY.enter);
    await t.answer(/Slack/, '#platform-sre', KEY.enter);
    await t.answer(/E-mail/, KEY.enter);
    await t.answer(/Write teams\/platform-sre\.yaml\?/, KEY.enter);
    await t.expect(/Wrote Team platform-sre to teams\/platform-sre\.yaml/);
    expect(await t.exited).toBe(0);
    const text = readFileSync(path.join(root, 'teams/platform-sre.yaml'), 'utf8');
    expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=https://opsledger.dev/schemas/v1/team.schema.json');
    expect(parse(text)).toEqual({
      apiVersion: 'opsledger/v1',
      kind: 'Team',
      metadata: { name: 'platform-sre', title: 'Platform Sre' },
      spec: { members: ['alice', 'bob'], github: { team: 'acme/platform-sre' }, contact: { slack: '#platform-sre' } },
    });
    const { code, report } = await validateJson(root);
    expect([code, report.diagnostics]).toEqual([0, []]);
  });

  it('new service: selects with the arrow keys and picks dependencies in a checkbox', async () => {
    const root = makeOrg();
    const t = open(['new', 'service', '--root', root], root);
    await t.answer(/Service name/, 'billing', KEY.enter);
    await t.answer(/Title/, KEY.enter);
    await t.answer(/description/, 'Invoices and payouts', KEY.enter);
    // Teams in name order: cab, checkout, ecab.
    await t.answer(/Owning team/, KEY.down, KEY.enter);
    await t.answer(/Tier/, KEY.down, KEY.enter);
    await t.answer(/Exposure/, KEY.down, KEY.enter);
    await t.answer(/Lifecycle/, KEY.down, KEY.enter);
    // service:cart, service:checkout-api, ci:checkout-db, ci:k8s-prod
    await t.answer(/Depends on/, KEY.space, KEY.down, KEY.down, KEY.space, KEY.enter);
    await t.answer(/Repository URL/, 'https://github.com/acme/billing', KEY.enter);
    await t.answer(/Write services\/billing\/service\.yaml\?/, KEY.enter);
    await t.expect(/Wrote Service billing/);
    expect(await t.exited).toBe(0);
    const doc = parse(readFileSync(path.join(root, 'services/billing/service.yaml'), 'utf8'));
    expect(doc.spec).toEqual({ owner: 'checkout', tier: 2, exposure: 'company', lifecycle: 'production', dependsOn: ['service:cart', 'ci:checkout-db'], repository: 'https://github.com/acme/billing' });
    expect(doc.metadata).toEqual({ name: 'billing', title: 'Billing', description: 'Invoices and payouts' });
    const { code, report } = await validateJson(root);
    expect([code, report.diagnostics]).toEqual([0, []]);
  });

  it('new change: shows the next free id and takes the defaults', async () => {
    const root = makeOrg();
    const id = nextChangeId(['CR-2026-0001'], new Date().getFullYear());
    const t = open(['new', 'change', '--root', root], root, { GITHUB_ACTOR: 'mina-park' });
    await t.expect(new RegExp(`Change id: ${id}`));
    await t.answer(/Title/, 'Resize the cart cache', KEY.enter);
    await t.answer(/Type/, KEY.enter);
    await t.answer(/Justification/, KEY.enter);
    await t.answer(/Affected services/, KEY.space, KEY.enter);
    await t.answer(/Affected configuration items/, KEY.enter);
    await t.answer(/Environment/, KEY.enter);
    await t.answer(/Start/, KEY.enter);
    await t.answer(/How long/, '2h', KEY.enter);
    await t.answer(/Requester/, KEY.enter);
    await t.answer(/Description/, KEY.enter);
    await t.answer(new RegExp(`Write changes/${id}\\.yaml\\?`), KEY.enter);
    await t.expect(new RegExp(`Wrote ChangeRequest ${id}`));
    expect(await t.exited).toBe(0);
    const doc = parse(readFileSync(path.join(root, `changes/${id}.yaml`), 'utf8'));
    expect(doc.spec).toMatchObject({ type: 'normal', requester: 'mina-park', services: ['cart'], environment: 'production' });
    expect(Date.parse(doc.spec.schedule.end) - Date.parse(doc.spec.schedule.start)).toBe(2 * 3_600_000);
    const { code, report } = await validateJson(root);
    expect([code, report.diagnostics]).toEqual([0, []]);
  });

  it('Ctrl+C at a prompt writes nothing and exits 2', async () => {
    const root = makeOrg();
    const t = open(['new', 'team', '--root', root], root);
    await t.answer(/Team name/, 'half-done', KEY.enter);
    await t.answer(/Title/, KEY.ctrlC);
    expect(await t.exited).toBe(2);
    expect(existsSync(path.join(root, 'teams/half-done.yaml'))).toBe(false);
  });

  it('--yes on a terminal asks nothing', async () => {
    const root = makeOrg();
    const t = open(['new', 'team', '--yes', '--name', 'quiet', '--root', root], root);
    expect(await t.exited).toBe(0);
    expect(t.text).not.toMatch(/\?/);
    expect(existsSync(path.join(root, 'teams/quiet.yaml'))).toBe(true);
  });
});
