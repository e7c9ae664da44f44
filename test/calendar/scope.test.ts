import { describe, expect, it } from 'vitest';
import { environmentsOf } from '../../src/core/environments.js';
import { activePolicy } from '../../src/core/organisation.js';
import { scopeApplies, windowAllows, windowBlocks, type ScopeSubject } from '../../src/core/calendar/scope.js';
import { subjectForChange } from '../../src/core/calendar/organisation-calendar.js';
import type { CalendarWindow, WindowScope } from '../../src/core/model.js';
import { loadOrganisation } from '../../src/adapters/fs/load-organisation.js';
import { makeOrg } from '../helpers/org.js';

const payments = { name: 'payments-api', tier: 1 as const, labels: { domain: 'finance', pci: 'true' } };
const shop = { name: 'storefront', tier: 1 as const, labels: { domain: 'commerce' } };
const report = { name: 'finance-report', tier: 3 as const, labels: { domain: 'finance' } };
const prod = (services: ScopeSubject['services']): ScopeSubject => ({ services, environments: ['production'] });

describe('scopeApplies', () => {
  it.each<[string, WindowScope | undefined, ScopeSubject | undefined, boolean]>([
    ['no scope applies to everything', undefined, prod([shop]), true],
    ['an empty scope applies to everything', {}, prod([shop]), true],
    ['no subject: every window applies', { services: ['x'] }, undefined, true],
    ['environment matches', { environments: ['production'] }, prod([shop]), true],
    ['environment differs', { environments: ['production'] }, { services: [shop], environments: ['staging'] }, false],
    ['environments are OR-ed', { environments: ['staging', 'production'] }, prod([shop]), true],
    ['service named', { services: ['payments-api'] }, prod([payments]), true],
    ['service not named', { services: ['payments-api'] }, prod([shop]), false],
    ['any affected service will do', { services: ['payments-api'] }, prod([shop, payments]), true],
    ['tier matches', { tiers: [1, 2] }, prod([shop]), true],
    ['tier does not', { tiers: [1, 2] }, prod([report]), false],
    ['a service of unknown tier does not match a tier selector', { tiers: [1] }, prod([{ name: 'ghost' }]), false],
    ['label matches', { labels: { domain: 'finance' } }, prod([payments]), true],
    ['every label pair must be carried', { labels: { domain: 'finance', pci: 'true' } }, prod([report]), false],
    ['labels all carried', { labels: { domain: 'finance', pci: 'true' } }, prod([payments]), true],
    ['AND across selectors: tier and label on one service', { tiers: [1], labels: { domain: 'finance' } }, prod([payments]), true],
    ['AND across selectors must hold for the SAME service', { tiers: [1], labels: { domain: 'finance' } }, prod([shop, report]), false],
    ['AND with environment', { environments: ['production'], tiers: [1] }, { services: [shop], environments: ['dev'] }, false],
    ['unknown environment does not exclude (asking about a service)', { environments: ['production'], tiers: [1] }, { services: [shop] }, true],
    ['unknown services do not exclude (asking about an environment)', { environments: ['production'], tiers: [1] }, { environments: ['production'] }, true],
    ['a change touching no service is outside service selectors', { services: ['payments-api'] }, prod([]), false],
  ])('%s', (_what, scope, subject, expected) => {
    expect(scopeApplies(scope, subject)).toBe(expected);
  });
});

describe('allow and blocking', () => {
  const freeze: Pick<CalendarWindow, 'kind' | 'scope' | 'allow'> = { kind: 'freeze', scope: { environments: ['production'] }, allow: ['emergency'] };
  it.each<[string, Pick<CalendarWindow, 'kind' | 'scope' | 'allow'>, ScopeSubject | undefined, boolean, boolean]>([
    ['a normal change is stopped', freeze, { environments: ['production'], type: 'normal' }, false, true],
    ['an emergency change is let through', freeze, { environments: ['production'], type: 'emergency' }, true, false],
    ['without a type nothing is let through', freeze, { environments: ['production'] }, false, true],
    ['out of scope never blocks', freeze, { environments: ['staging'], type: 'normal' }, false, false],
    ['maintenance windows never block', { kind: 'maintenance' }, { type: 'normal' }, false, false],
  ])('%s', (_what, window, subject, allows, blocks) => {
    expect(windowAllows(window, subject?.type)).toBe(allows);
    expect(windowBlocks(window, subject)).toBe(blocks);
  });
});

describe('subjectForChange', () => {
  it('takes named services, the owning services of named CIs, the environment and the type it is given', async () => {
    const { org } = await loadOrganisation(makeOrg());
    const subject = subjectForChange(org, org.changes.get('CR-2026-0001')!.doc, environmentsOf(activePolicy(org)!.doc.spec), 'normal');
    expect(subject).toEqual({ services: [{ name: 'checkout-api', tier: 1 }], environments: ['production'], type: 'normal' });
  });

  it('reaches a service through a CI it owns', async () => {
    const root = makeOrg({
      'changes/CR-2026-0002.yaml': `apiVersion: opsledger/v1
kind: ChangeRequest
metadata: {name: CR-2026-0002, title: Tune the database}
spec:
  type: standard
  template: cert-rotation
  requester: mina-park
  configurationItems: [checkout-db]
  environment: staging
  schedule: {start: "2026-12-02T01:00:00+09:00", end: "2026-12-02T02:00:00+09:00"}
`,
    });
    const { org } = await loadOrganisation(root);
    const subject = subjectForChange(org, org.changes.get('CR-2026-0002')!.doc, environmentsOf(activePolicy(org)!.doc.spec));
    expect(subject.services?.map((s) => s.name)).toEqual(['checkout-api']);
    expect(subject.environments).toEqual(['staging']);
    // The declared type is not the subject's: the caller passes the type the change is treated as.
    expect(subject.type).toBeUndefined();
  });
});
