import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatInstant, nextChangeId } from '../../src/scaffold/documents.js';
import { cli, makeOrg, validateJson } from '../helpers/org.js';

/**
 * `opsledger new` with flags (the script path; the prompts are tested on a pseudo-terminal in
 * pty.test.ts) and `opsledger schema`. Whatever `new` writes must validate on the first try.
 */
const YEAR = new Date().getFullYear();
// The fixture organisation already holds CR-2026-0001.
const NEXT = nextChangeId(['CR-2026-0001'], YEAR);

describe('next change id', () => {
  it.each([
    [[], 2026, 'CR-2026-0001'],
    [['CR-2026-0001'], 2026, 'CR-2026-0002'],
    [['CR-2026-0009', 'CR-2026-0041', 'CR-2026-0007'], 2026, 'CR-2026-0042'],
    [['CR-2025-0311'], 2026, 'CR-2026-0001'],
    [['CR-2026-0999', 'CR-2027-0003'], 2027, 'CR-2027-0004'],
    [['not-an-id', 'CR-26-0001'], 2026, 'CR-2026-0001'],
  ])('after %j in %i: %s', (ids, year, next) => {
    expect(nextChangeId(ids, year)).toBe(next);
  });

  it('refuses when the year is used up', () => {
    expect(() => nextChangeId(['CR-2026-9999'], 2026)).toThrow(/used up/);
  });

  it.each([
    [Date.UTC(2026, 11, 2, 1, 0, 0), 540, '2026-12-02T10:00:00+09:00'],
    [Date.UTC(2026, 11, 2, 1, 0, 0), 0, '2026-12-02T01:00:00+00:00'],
    [Date.UTC(2026, 11, 2, 1, 0, 0), -300, '2026-12-01T20:00:00-05:00'],
  ])('formats %i at offset %i as %s', (ms, offset, text) => {
    expect(formatInstant(ms, offset)).toBe(text);
  });
});

describe('opsledger new with flags', () => {
  const rows: [string, string[], string][] = [
    ['team', ['--name', 'sre', '--members', 'alice,bob', '--github-team', 'acme/sre', '--email', 'sre@example.com'], 'teams/sre.yaml'],
    ['service', ['--name', 'billing', '--owner', 'checkout', '--tier', '2', '--exposure', 'company', '--depends-on', 'service:cart', '--depends-on', 'ci:checkout-db'], 'services/billing/service.yaml'],
    ['ci', ['--name', 'cart-cache', '--class', 'cache', '--service', 'cart'], 'services/checkout/cmdb.yaml'],
    ['ci', ['--name', 'dns-zone', '--class', 'dns', '--owner', 'checkout'], 'cmdb/dns-zone.yaml'],
    ['change', ['--title', 'Resize cart cache', '--services', 'cart', '--requester', 'mina-park', '--start', '2026-12-02T01:00:00+09:00', '--duration', '90m'], `changes/${NEXT}.yaml`],
    ['change', ['--title', 'Rotate certificate', '--type', 'standard', '--template', 'cert-rotation', '--services', 'checkout-api', '--requester', 'mina-park'], `changes/${NEXT}.yaml`],
    ['change', ['--title', 'Hotfix', '--type', 'emergency', '--justification', 'INC-1 is losing orders', '--cis', 'checkout-db', '--requester', 'mina-park'], `changes/${NEXT}.yaml`],
    ['domain', ['--name', 'commerce', '--owner', 'checkout'], 'systems/domains/commerce.yaml'],
    ['system', ['--name', 'shop', '--owner', 'checkout'], 'systems/shop.yaml'],
    ['api', ['--name', 'cart-v1', '--type', 'openapi', '--owner', 'checkout', '--lifecycle', 'production', '--definition', 'https://github.com/acme/cart/blob/main/openapi.yaml'], 'apis/cart-v1.yaml'],
  ];

  it.each(rows)('new %s %j writes %s and the organisation stays clean', async (kind, flags, file) => {
    const root = makeOrg();
    const r = await cli(['new', kind, '--yes', '--root', root, ...flags], root);
    expect([r.code, r.stderr]).toEqual([0, '']);
    const text = readFileSync(path.join(root, file), 'utf8');
    if (file !== 'services/checkout/cmdb.yaml') expect(text.split('\n')[0]).toMatch(/^# yaml-language-server: \$schema=https:\/\/opsledger\.dev\/schemas\/v1\/[a-z-]+\.schema\.json$/);
    const { code, report } = await validateJson(root);
    expect(report.diagnostics).toEqual([]);
    expect(code).toBe(0);
  });

  it('adds a CI to its service\'s existing cmdb file, keeping what was there', async () => {
    const root = makeOrg();
    const before = readFileSync(path.join(root, 'services/checkout/cmdb.yaml'), 'utf8');
    expect((await cli(['new', 'ci', '--yes', '--root', root, '--name', 'cart-cache', '--class', 'cache', '--service', 'cart'], root)).code).toBe(0);
    const after = readFileSync(path.join(root, 'services/checkout/cmdb.yaml'), 'utf8');
    expect(after.startsWith(before)).toBe(true);
    expect(after.slice(before.length)).toMatch(/^---\napiVersion: opsledger\/v1\nkind: ConfigurationItem\nmetadata:\n  name: cart-cache\n/);
  });

  it('refuses with new.ids-used-up and exit 1 when the year\'s last id is taken, writing nothing', async () => {
    const root = makeOrg({ [`changes/CR-${YEAR}-9999.yaml`]: 'x: 1\n' });
    const before = readdirSync(path.join(root, 'changes'));
    const r = await cli(['new', 'change', '--yes', '--root', root, '--title', 'T', '--services', 'cart', '--requester', 'mina-park'], root);
    expect([r.code, r.stderr.match(/\[([a-z.-]+)\]\n$/)?.[1], r.stderr.includes('internal error')]).toEqual([1, 'new.ids-used-up', false]);
    expect(readdirSync(path.join(root, 'changes'))).toEqual(before);
  });

  it('numbers a change after the highest id of this year, counting files that do not validate', async () => {
    const root = makeOrg({ [`changes/CR-${YEAR}-0417.yaml`]: 'not: a change\n', [`changes/CR-${YEAR - 1}-0900.yaml`]: 'x: 1\n' });
    const r = await cli(['new', 'change', '--yes', '--root', root, '--title', 'T', '--services', 'cart', '--requester', 'mina-park', '--dry-run'], root);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`name: CR-${YEAR}-0418`);
  });

  it.each([
    ['team', [], /--name is required/],
    ['team', ['--name', 'Not A Label'], /--name: use lower-case/],
    ['team', ['--name', 'checkout'], /already exists/],
    ['team', ['--name', 'sre', '--members', 'ok,not ok'], /not a GitHub login/],
    ['service', ['--name', 'billing', '--owner', 'checkout', '--exposure', 'company'], /--tier is required/],
    ['service', ['--name', 'billing', '--owner', 'nobody', '--tier', '2', '--exposure', 'company'], /--owner must be one of/],
    ['service', ['--name', 'billing', '--owner', 'checkout', '--tier', '7', '--exposure', 'company'], /--tier must be one of/],
    ['service', ['--name', 'billing', '--owner', 'checkout', '--tier', '2', '--exposure', 'company', '--depends-on', 'service:nope'], /not a known/],
    ['ci', ['--name', 'x-db', '--class', 'mainframe'], /--class must be one of/],
    ['change', ['--title', 'T', '--requester', 'mina-park'], /at least one service or configuration item/],
    ['change', ['--title', 'T', '--services', 'cart'], /--requester is required/],
    ['change', ['--title', 'T', '--services', 'cart', '--requester', 'mina-park', '--type', 'emergency'], /--justification is required/],
    ['change', ['--title', 'T', '--services', 'cart', '--requester', 'mina-park', '--start', '2026-12-02 01:00'], /--start: write a time with an offset/],
    ['change', ['--title', 'T', '--services', 'cart', '--requester', 'mina-park', '--start', '2026-12-02T03:00:00+09:00', '--end', '2026-12-02T02:00:00+09:00'], /would not validate/],
    ['system', ['--name', 'shop'], /--owner is required/],
    ['system', ['--name', 'shop', '--owner', 'checkout', '--domain', 'nowhere'], /there is no domain yet/],
    ['domain', ['--name', 'Commerce', '--owner', 'checkout'], /--name: use lower-case/],
    ['api', ['--name', 'cart-v1', '--type', 'rest', '--owner', 'checkout'], /--type must be one of/],
    ['api', ['--name', 'cart-v1', '--type', 'openapi', '--owner', 'checkout', '--definition', 'openapi.yaml'], /--definition: write a full URL/],
    ['service', ['--name', 'billing', '--owner', 'checkout', '--tier', '2', '--exposure', 'company', '--provides-apis', 'nope'], /not a known API/],
    ['widget', [], /cannot create/],
  ])('new %s %j is refused: %s', async (kind, flags, message) => {
    const root = makeOrg();
    const r = await cli(['new', kind, '--yes', '--root', root, ...flags], root);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it('builds a domain, a system in it, an API in the system and a service that provides it, each valid, each referring to the last', async () => {
    const root = makeOrg();
    const steps: string[][] = [
      ['domain', '--name', 'commerce', '--owner', 'checkout'],
      ['system', '--name', 'shop', '--owner', 'checkout', '--domain', 'commerce'],
      ['api', '--name', 'cart-v1', '--type', 'grpc', '--owner', 'checkout', '--system', 'shop'],
      ['service', '--name', 'billing', '--owner', 'checkout', '--tier', '3', '--exposure', 'company', '--system', 'shop', '--provides-apis', 'cart-v1'],
      ['service', '--name', 'invoices', '--owner', 'checkout', '--tier', '4', '--exposure', 'team', '--consumes-apis', 'cart-v1'],
    ];
    for (const step of steps) expect((await cli(['new', step[0]!, '--yes', '--root', root, ...step.slice(1)], root)).code).toBe(0);
    expect(readFileSync(path.join(root, 'systems/shop.yaml'), 'utf8')).toMatch(/\nspec:\n  owner: checkout\n  domain: commerce\n/);
    expect(readFileSync(path.join(root, 'services/billing/service.yaml'), 'utf8')).toMatch(/\n  system: shop\n  providesApis:\n    - cart-v1\n/);
    const { code, report } = await validateJson(root);
    expect([code, report.diagnostics]).toEqual([0, []]);
    // A second system of the same name is refused before anything is written.
    const again = await cli(['new', 'system', '--yes', '--root', root, '--name', 'shop', '--owner', 'checkout'], root);
    expect([again.code, /already exists/.test(again.stderr)]).toEqual([2, true]);
  });

  it('says which check failed when the document would not validate, and writes nothing', async () => {
    const root = makeOrg();
    const r = await cli(['new', 'change', '--yes', '--root', root, '--title', 'T', '--services', 'cart', '--requester', 'mina-park', '--start', '2026-12-02T03:00:00+09:00', '--end', '2026-12-02T02:00:00+09:00'], root);
    expect(r.stderr).toMatch(/change\.schedule-order/);
    expect(existsSync(path.join(root, `changes/${NEXT}.yaml`))).toBe(false);
  });

  it('refuses to overwrite an existing file unless --force', async () => {
    const root = makeOrg();
    writeFileSync(path.join(root, 'teams/sre.yaml'), '# placeholder\nx: 1\n');
    const r = await cli(['new', 'team', '--yes', '--root', root, '--name', 'sre'], root);
    expect([r.code, readFileSync(path.join(root, 'teams/sre.yaml'), 'utf8')]).toEqual([2, '# placeholder\nx: 1\n']);
    expect((await cli(['new', 'team', '--yes', '--root', root, '--name', 'sre', '--force'], root)).code).toBe(0);
  });
});

describe('opsledger schema', () => {
  it.each([
    ['service', 'https://opsledger.dev/schemas/v1/service.schema.json'],
    ['SERVICE', 'https://opsledger.dev/schemas/v1/service.schema.json'],
    ['configuration-item', 'https://opsledger.dev/schemas/v1/configuration-item.schema.json'],
    ['ci', 'https://opsledger.dev/schemas/v1/configuration-item.schema.json'],
    ['ChangeRequest', 'https://opsledger.dev/schemas/v1/change-request.schema.json'],
    ['slo', 'https://opsledger.dev/schemas/v1/slo.schema.json'],
    ['sli', 'https://opsledger.dev/schemas/openslo-v1/sli.schema.json'],
    ['alertpolicy', 'https://opsledger.dev/schemas/openslo-v1/alert-policy.schema.json'],
  ])('%s prints %s', async (kind, id) => {
    const r = await cli(['schema', kind]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).$id).toBe(id);
  });

  it('takes --api-version for kinds both versions define', async () => {
    const r = await cli(['schema', 'slo', '--api-version', 'openslo/v1']);
    expect(JSON.parse(r.stdout).$id).toBe('https://opsledger.dev/schemas/openslo-v1/slo.schema.json');
  });

  it('lists every kind with its $id', async () => {
    const r = await cli(['schema']);
    expect(r.code).toBe(0);
    // 8 opsledger kinds before Incident and Problem, System, Domain and API, 7 OpenSLO kinds.
    expect(r.stdout.trim().split('\n').length).toBe(20);
    expect(r.stdout).toContain('Incident');
    expect(r.stdout).toContain('Problem');
  });

  it.each([
    ['servise', /did you mean "Service"/],
    ['Tema', /did you mean "Team"/],
    ['widget', /no kind "widget"/],
  ])('%s is a usage error: %s', async (kind, message) => {
    const r = await cli(['schema', kind]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });
});
