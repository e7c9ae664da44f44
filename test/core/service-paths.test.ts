import { describe, expect, it } from 'vitest';
import { controlledPaths, uncoveredPaths } from '../../src/core/audit/reconcile.js';
import { withTiedServices, type ApprovalPlan } from '../../src/core/approval-plan.js';
import type { ChangeRequest, ConfigurationItem } from '../../src/core/model.js';
import { emptyOrganisation } from '../../src/core/organisation.js';
import { changeScopes, SERVICE_PATH_UNCOVERED, tiedPaths, tiedServices, uncoveredServicePaths } from '../../src/core/service-paths.js';

/**
 * Paths the policy ties to a service (spec.servicePaths): which service a changed path belongs
 * to, which change request covers it, and what the CAB reports when none does. Expectations
 * worked out by hand from the globs.
 */
const MAP = {
  servicePaths: {
    'checkout-api': ['deploy/checkout/**', 'deploy/shared/**', '/terraform/checkout/*.tf'],
    cart: ['./deploy/cart/**', 'deploy/shared/**', 'k8s/{cart,basket}.yaml'],
    ledger: ['**/*.ledger.tf'],
  },
};

const org = emptyOrganisation();
org.cis.set('checkout-db', { doc: { apiVersion: 'opsledger/v1', kind: 'ConfigurationItem', metadata: { name: 'checkout-db' }, spec: { class: 'database', service: 'checkout-api', environment: 'production' } } as ConfigurationItem, file: 'services/checkout/cmdb.yaml', index: 0 });
org.cis.set('k8s-prod', { doc: { apiVersion: 'opsledger/v1', kind: 'ConfigurationItem', metadata: { name: 'k8s-prod' }, spec: { class: 'cluster', environment: 'production' } } as ConfigurationItem, file: 'services/checkout/cmdb.yaml', index: 1 });

const change = (id: string, services: string[], cis: string[] = []) => ({ metadata: { name: id }, spec: { type: 'normal', services, configurationItems: cis } }) as unknown as ChangeRequest;

describe('tiedPaths', () => {
  it.each<[string, string, string[]]>([
    ['a file inside the folder', 'deploy/checkout/app.yaml', ['checkout-api']],
    ['a file two folders down', 'deploy/checkout/canary/values.yaml', ['checkout-api']],
    ['a dotfile (dotfiles are files like any other)', 'deploy/checkout/.env', ['checkout-api']],
    ['a sibling folder whose name starts the same', 'deploy/checkout-old/app.yaml', []],
    ['another case', 'Deploy/Checkout/app.yaml', []],
    ['a shared path: a change to both services', 'deploy/shared/net.yaml', ['cart', 'checkout-api']],
    ['a leading / means the root', 'terraform/checkout/main.tf', ['checkout-api']],
    ['a single * stays in its folder', 'terraform/checkout/modules/db.tf', []],
    ['the same folder under another root', 'old/terraform/checkout/main.tf', []],
    ['a leading ./ means the root', 'deploy/cart/app.yaml', ['cart']],
    ['braces', 'k8s/basket.yaml', ['cart']],
    ['braces name whole words', 'k8s/carts.yaml', []],
    ['**/ matches no folder at all', 'payments.ledger.tf', ['ledger']],
    ['**/ matches any folder', 'infra/eu/payments.ledger.tf', ['ledger']],
    ['a name with spaces', 'deploy/cart/my values.yaml', ['cart']],
    ['tied to nothing', 'docs/notes.md', []],
  ])('%s: %s', (_, path, services) => {
    expect(tiedPaths([path, 'README.md'], MAP)).toEqual(services.map((s) => [path, s]));
  });

  it('ties nothing without a map, or with an empty one', () => {
    expect(tiedPaths(['deploy/checkout/app.yaml'], undefined)).toEqual([]);
    expect(tiedPaths(['deploy/checkout/app.yaml'], { servicePaths: {} })).toEqual([]);
  });
});

describe('changeScopes', () => {
  it('covers the services a change names, its CIs and the services owning them (as the base has them)', () => {
    expect(changeScopes(change('CR-2026-0001', ['cart'], ['checkout-db', 'k8s-prod', 'new-ci']), org)).toEqual(['ci:checkout-db', 'ci:k8s-prod', 'ci:new-ci', 'service:cart', 'service:checkout-api']);
  });
});

const changed = ['deploy/checkout/app.yaml', 'deploy/shared/net.yaml', 'k8s/cart.yaml', 'docs/notes.md', 'changes/CR-2026-0001.yaml', 'changes/CR-2026-0002.yaml'];

describe('tiedServices and uncoveredServicePaths', () => {
  it.each<[string, [string, string[], string[]][], [string, string[]][]]>([
    [
      'no change request: every tied path is an error naming every service',
      [],
      [
        ['deploy/checkout/app.yaml', ['checkout-api']],
        ['deploy/shared/net.yaml', ['cart', 'checkout-api']],
        ['k8s/cart.yaml', ['cart']],
      ],
    ],
    ['one change on cart: the checkout paths are uncovered; the shared one names checkout-api only', [['CR-2026-0001', ['cart'], []]], [['deploy/checkout/app.yaml', ['checkout-api']], ['deploy/shared/net.yaml', ['checkout-api']]]],
    ['one change on both services', [['CR-2026-0001', ['cart', 'checkout-api'], []]], []],
    ['two changes, one per service', [['CR-2026-0001', ['cart'], []], ['CR-2026-0002', ['checkout-api'], []]], []],
    ['a change covering checkout-api through its database', [['CR-2026-0001', ['cart'], ['checkout-db']]], []],
    ['a CI the base does not know covers no service', [['CR-2026-0001', ['cart'], ['new-ci']]], [['deploy/checkout/app.yaml', ['checkout-api']], ['deploy/shared/net.yaml', ['checkout-api']]]],
  ])('%s', (_, changes, errors) => {
    const tied = tiedServices(changed, MAP, changes.map(([id, services, cis]) => ({ id, scopes: changeScopes(change(id, services, cis), org) })));
    const diagnostics = uncoveredServicePaths(tied);
    expect(diagnostics.map((d) => [d.file, d.line, d.column, d.severity, d.code, d.pointer])).toEqual(errors.map(([file]) => [file, 1, 1, 'error', SERVICE_PATH_UNCOVERED, '']));
    expect(diagnostics.map((d) => [d.file, ...errors.find(([f]) => f === d.file)![1].map((s) => d.message.includes(s))])).toEqual(errors.map(([file, services]) => [file, ...services.map(() => true)]));

    // The audit, given the same paths, the same map and every change approved, leaves exactly the same paths uncovered.
    const controlled = controlledPaths(changed, undefined, emptyOrganisation(), [], undefined, tiedPaths(changed, MAP));
    const audited = uncoveredPaths({
      controlled,
      changes: changes.map(([id, services, cis]) => ({ id, declaredType: 'normal', type: 'normal', class: 'low', approvedAtMerge: true, approvedEver: true, approvals: [], scopes: changeScopes(change(id, services, cis), org) })),
      sensitiveApproved: false,
    });
    expect(audited).toEqual(diagnostics.map((d) => d.file));
  });

  it('lists each tied service with its paths and the changes covering it', () => {
    const tied = tiedServices(changed, MAP, [
      { id: 'CR-2026-0002', scopes: ['service:checkout-api'] },
      { id: 'CR-2026-0001', scopes: ['service:checkout-api', 'service:cart'] },
    ]);
    expect(tied).toEqual([
      { service: 'cart', paths: ['deploy/shared/net.yaml', 'k8s/cart.yaml'], changes: ['CR-2026-0001'] },
      { service: 'checkout-api', paths: ['deploy/checkout/app.yaml', 'deploy/shared/net.yaml'], changes: ['CR-2026-0001', 'CR-2026-0002'] },
    ]);
  });
});

describe('withTiedServices', () => {
  const plan: ApprovalPlan = { class: 'medium', alternatives: [{ name: 'class', requirements: [{ group: 'owner', count: 1 }] }], notes: ['a note'] };
  const tied = [
    { service: 'cart', paths: ['k8s/cart.yaml'], changes: ['CR-2026-0001'] },
    { service: 'checkout-api', paths: ['deploy/checkout/app.yaml'], changes: ['CR-2026-0002'] },
  ];

  it('shows the services the tied paths made the change stand for, keeping its requirements', () => {
    const p = withTiedServices(plan, 'CR-2026-0001', tied);
    expect(p.tied).toEqual([{ service: 'cart', paths: ['k8s/cart.yaml'] }]);
    expect(p.alternatives).toEqual(plan.alternatives);
    expect(p.notes).toHaveLength(2);
    expect(p.notes[1]).toContain('k8s/cart.yaml');
  });

  it('leaves the plan of a change that covers no tied service alone', () => {
    expect(withTiedServices(plan, 'CR-2026-0003', tied)).toBe(plan);
  });
});
