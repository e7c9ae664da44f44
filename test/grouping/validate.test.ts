import { describe, expect, it } from 'vitest';
import { makeOrg, validateJson } from '../helpers/org.js';

/*
 * Systems, domains and APIs as validate sees them. The minimal organisation has the team
 * checkout and the service checkout-api (services/checkout/service.yaml).
 */
const DOMAIN = 'apiVersion: opsledger/v1\nkind: Domain\nmetadata: {name: commerce}\nspec: {owner: checkout}\n';
const SYSTEM = (spec: string, name = 'shop') => `apiVersion: opsledger/v1\nkind: System\nmetadata:\n  name: ${name}\nspec:\n${spec}`;
const API = (spec: string, name = 'orders') => `apiVersion: opsledger/v1\nkind: API\nmetadata:\n  name: ${name}\nspec:\n${spec}`;
const SVC = (extra: string, name = 'orders-api') =>
  `apiVersion: opsledger/v1\nkind: Service\nmetadata:\n  name: ${name}\nspec:\n  owner: checkout\n  tier: 3\n  exposure: company\n  lifecycle: production\n${extra}`;
const API_SPEC = '  type: openapi\n  owner: checkout\n  lifecycle: production\n';

type Row = [string, Record<string, string>, string, string, number, number, string];

const ROWS: Row[] = [
  ['a system naming a missing domain', { 'systems/shop.yaml': SYSTEM('  owner: checkout\n  domain: comerce\n'), 'systems/commerce.yaml': DOMAIN }, 'systems/shop.yaml', 'ref.unresolved', 7, 11, '/spec/domain'],
  ['a system owned by a missing team', { 'systems/shop.yaml': SYSTEM('  owner: chekout\n') }, 'systems/shop.yaml', 'ref.unresolved', 6, 10, '/spec/owner'],
  ['a domain owned by a missing team', { 'systems/commerce.yaml': DOMAIN.replace('owner: checkout', 'owner: nobody') }, 'systems/commerce.yaml', 'ref.unresolved', 4, 15, '/spec/owner'],
  ['a service naming a missing system', { 'services/orders/service.yaml': SVC('  system: shp\n'), 'systems/shop.yaml': SYSTEM('  owner: checkout\n') }, 'services/orders/service.yaml', 'ref.unresolved', 10, 11, '/spec/system'],
  ['a service providing a missing API', { 'services/orders/service.yaml': SVC('  providesApis: [ordrs]\n'), 'apis/orders.yaml': API(API_SPEC) }, 'services/orders/service.yaml', 'ref.unresolved', 10, 18, '/spec/providesApis/0'],
  ['a service consuming a missing API', { 'services/orders/service.yaml': SVC('  consumesApis: [ordrs]\n') }, 'services/orders/service.yaml', 'ref.unresolved', 10, 18, '/spec/consumesApis/0'],
  ['an API in a missing system', { 'apis/orders.yaml': API(API_SPEC + '  system: shop\n') }, 'apis/orders.yaml', 'ref.unresolved', 9, 11, '/spec/system'],
  ['an API of an unknown type', { 'apis/orders.yaml': API(API_SPEC.replace('openapi', 'soap')) }, 'apis/orders.yaml', 'schema.enum', 6, 9, '/spec/type'],
  ['a service in two systems', { 'services/orders/service.yaml': SVC('  system: [shop, billing]\n'), 'systems/shop.yaml': SYSTEM('  owner: checkout\n') }, 'services/orders/service.yaml', 'schema.type', 10, 11, '/spec/system'],
  ['a second system of the same name', { 'systems/shop.yaml': SYSTEM('  owner: checkout\n') + '---\n' + SYSTEM('  owner: checkout\n') }, 'systems/shop.yaml', 'name.duplicate', 11, 9, '/metadata/name'],
];

describe('systems, domains and APIs are validated, positioned', () => {
  it.each(ROWS)('%s', async (_name, files, file, code, line, column, pointer) => {
    const { code: exit, report } = await validateJson(makeOrg(files));
    expect(exit).toBe(1);
    const found = report.diagnostics.filter((d) => d.file === file).map((d) => ({ code: d.code, line: d.line, column: d.column, pointer: d.pointer }));
    expect(found).toContainEqual({ code, line, column, pointer });
  });

  it('a complete grouping is clean: domain, system, API provided and consumed', async () => {
    const root = makeOrg({
      'systems/commerce.yaml': DOMAIN,
      'systems/shop.yaml': SYSTEM('  owner: checkout\n  domain: commerce\n'),
      'apis/orders.yaml': API(API_SPEC + '  system: shop\n  definition: https://github.com/acme/orders/blob/main/openapi.yaml\n'),
      'services/orders/service.yaml': SVC('  system: shop\n  providesApis: [orders]\n'),
      'services/web/service.yaml': SVC('  system: shop\n  consumesApis: [orders]\n', 'web'),
    });
    const { code, report } = await validateJson(root);
    expect(report.diagnostics).toEqual([]);
    expect(code).toBe(0);
  });

  it('an API consumed and provided by nobody is a warning on each consumer, and exits 0', async () => {
    const root = makeOrg({
      'apis/orders.yaml': API(API_SPEC),
      'services/orders/service.yaml': SVC('  consumesApis: [orders]\n'),
      'services/web/service.yaml': SVC('  consumesApis: [orders]\n', 'web'),
    });
    const { code, report } = await validateJson(root);
    expect(report.diagnostics.map((d) => [d.code, d.severity, d.file, d.pointer])).toEqual([
      ['api.unprovided', 'warning', 'services/orders/service.yaml', '/spec/consumesApis/0'],
      ['api.unprovided', 'warning', 'services/web/service.yaml', '/spec/consumesApis/0'],
    ]);
    expect(code).toBe(0);
  });

  it('a warm run reports a missing domain exactly as a cold one (reference kinds survive the cache)', async () => {
    const root = makeOrg({ 'systems/shop.yaml': SYSTEM('  owner: checkout\n  domain: commerce\n'), 'apis/orders.yaml': API(API_SPEC + '  system: shp\n') });
    const cold = await validateJson(root);
    const warm = await validateJson(root);
    const shape = (r: typeof cold) => r.report.diagnostics.map((d) => ({ code: d.code, pointer: d.pointer, message: d.message }));
    expect(shape(cold)).toHaveLength(2);
    expect(shape(warm)).toEqual(shape(cold));
  });
});
