import { describe, expect, it } from 'vitest';
import { assessIn, changeDoc, type Schedule } from './org-builder.js';

/**
 * A graph where changes reach critical services only through others:
 *   storefront (tier 1) <- pricing-api (tier 3) <- tax-rules (tier 4) <- ci:rules-db
 *   storefront (tier 1) <- search-index (tier 4)
 *   recommendations (tier 2) <- ml-features (tier 4), catalog-feed (tier 4)
 *   reports (tier 3) <- ledger-export (tier 4), fx-rates (tier 4)
 * Arrows point from what is depended on to its dependent (the blast radius's direction).
 */
function service(name: string, tier: number, exposure: string, dependsOn: string[] = []): string {
  return `apiVersion: opsledger/v1
kind: Service
metadata: {name: ${name}}
spec:
  owner: checkout
  tier: ${tier}
  exposure: ${exposure}
  lifecycle: production
  dependsOn: [${dependsOn.join(', ')}]
`;
}
const GRAPH = [
  service('storefront', 1, 'external', ['service:pricing-api', 'service:search-index']),
  service('pricing-api', 3, 'department', ['service:tax-rules']),
  service('tax-rules', 4, 'team', ['ci:rules-db']),
  service('search-index', 4, 'team'),
  service('recommendations', 2, 'external', ['service:ml-features', 'service:catalog-feed']),
  service('ml-features', 4, 'team'),
  service('catalog-feed', 4, 'team'),
  service('reports', 3, 'company', ['service:ledger-export', 'service:fx-rates']),
  service('ledger-export', 4, 'team'),
  service('fx-rates', 4, 'team'),
  'apiVersion: opsledger/v1\nkind: ConfigurationItem\nmetadata: {name: rules-db}\nspec: {class: database, environment: production}\n',
].join('---\n');

const NOW = Date.parse('2026-11-22T00:00:00Z');
const NIGHT = { start: '2026-12-03T01:00:00+09:00', end: '2026-12-03T03:00:00+09:00' };
const LATER_THAT_NIGHT = { start: '2026-12-03T02:30:00+09:00', end: '2026-12-03T04:00:00+09:00' };
const NEXT_NIGHT = { start: '2026-12-04T01:00:00+09:00', end: '2026-12-04T03:00:00+09:00' };
const SAFE = '  delivery: {strategy: canary}\n  rollback: {steps: [Revert], tested: {at: "2026-11-01"}}\n';

interface Planned {
  targets: string;
  schedule: Schedule;
  phase?: string;
}
function files(changes: Record<string, Planned>): Record<string, string> {
  const out: Record<string, string> = { 'services/shop/service.yaml': GRAPH };
  for (const [id, c] of Object.entries(changes)) out[`changes/${id}.yaml`] = changeDoc(id, `  type: normal\n${c.targets}${SAFE}`, c.schedule, c.phase);
  return out;
}

const RULES_DB = '  configurationItems: [rules-db]\n';
const SEARCH = '  services: [search-index]\n';

describe('changes at the same time that reach the same critical service through dependencies', () => {
  it.each<[string, Record<string, Planned>, unknown[]]>([
    [
      'a tier-1 service three hops from one change and one from the other',
      { 'CR-2026-0100': { targets: RULES_DB, schedule: NIGHT }, 'CR-2026-0101': { targets: SEARCH, schedule: LATER_THAT_NIGHT } },
      [['overlap-through-dependency', 'CR-2026-0101', 'service:storefront', ['ci:rules-db', 'service:tax-rules', 'service:pricing-api', 'service:storefront'], ['service:search-index', 'service:storefront']]],
    ],
    [
      'a tier-2 service, each change one hop away',
      { 'CR-2026-0100': { targets: '  services: [ml-features]\n', schedule: NIGHT }, 'CR-2026-0101': { targets: '  services: [catalog-feed]\n', schedule: NIGHT } },
      [['overlap-through-dependency', 'CR-2026-0101', 'service:recommendations', ['service:ml-features', 'service:recommendations'], ['service:catalog-feed', 'service:recommendations']]],
    ],
    [
      'the tier-1 service, but not a tier-3 one another change shares, nor one a change the next night shares',
      {
        'CR-2026-0100': { targets: `${RULES_DB.trimEnd()}\n  services: [ledger-export]\n`, schedule: NIGHT },
        'CR-2026-0101': { targets: SEARCH, schedule: NIGHT },
        // Shares only reports (tier 3) with CR-0100.
        'CR-2026-0102': { targets: '  services: [fx-rates]\n', schedule: NIGHT },
        // Shares storefront, but its window does not overlap.
        'CR-2026-0103': { targets: SEARCH, schedule: NEXT_NIGHT },
        // Shares storefront at the same time, but a draft holds no window yet.
        'CR-2026-0104': { targets: SEARCH, schedule: NIGHT, phase: 'draft' },
      },
      [['overlap-through-dependency', 'CR-2026-0101', 'service:storefront', ['ci:rules-db', 'service:tax-rules', 'service:pricing-api', 'service:storefront'], ['service:search-index', 'service:storefront']]],
    ],
  ])('%s is a conflict naming the service and both paths', async (_name, changes, expected) => {
    const [r] = await assessIn(files(changes), NOW, ['CR-2026-0100']);
    expect(r!.conflicts.map((c) => [c.code, c.with, c.service, c.path, c.otherPath])).toEqual(expected);
    expect(r!.conflicts.every((c) => c.severity === 'warning')).toBe(true);
  });

  it.each([
    ['two changes on the same tier-1 path', RULES_DB, SEARCH],
    ['two changes reaching a tier-2 service', '  services: [ml-features]\n', '  services: [catalog-feed]\n'],
  ])('%s conflict with each other, never with themselves', async (_name, mine, theirs) => {
    const [a, b] = await assessIn(files({ 'CR-2026-0100': { targets: mine, schedule: NIGHT }, 'CR-2026-0101': { targets: theirs, schedule: NIGHT } }), NOW, ['CR-2026-0100', 'CR-2026-0101']);
    expect([a!.conflicts.map((c) => [c.code, c.with]), b!.conflicts.map((c) => [c.code, c.with])]).toEqual([
      [['overlap-through-dependency', 'CR-2026-0101']],
      [['overlap-through-dependency', 'CR-2026-0100']],
    ]);
  });

  it('keeps overlapping-change for changes on adjacent targets, once per pair', async () => {
    // pricing-api depends on tax-rules directly: the existing, more direct conflict wins.
    const [r] = await assessIn(
      files({ 'CR-2026-0100': { targets: '  services: [tax-rules]\n', schedule: NIGHT }, 'CR-2026-0101': { targets: '  services: [pricing-api]\n', schedule: NIGHT }, 'CR-2026-0102': { targets: SEARCH, schedule: NIGHT } }),
      NOW,
      ['CR-2026-0100'],
    );
    expect(r!.conflicts.map((c) => [c.code, c.with])).toEqual([
      ['overlapping-change', 'CR-2026-0101'],
      ['overlap-through-dependency', 'CR-2026-0102'],
    ]);
  });
});

describe('a window recurring inside one schedule', () => {
  // An Argo CD style deny window: ten minutes at the top of every hour.
  const CALENDAR = `apiVersion: opsledger/v1
kind: ChangeCalendar
metadata: {name: argocd}
spec:
  windows:
    - name: sync-deny
      kind: freeze
      start: "2026-12-01T00:00:00"
      rrule: FREQ=HOURLY
      duration: 10m
      timeZone: UTC
      scope: {environments: [production]}
      allow: [emergency]
    - name: nightly-backup
      kind: freeze
      start: "2026-12-01T12:30:00"
      rrule: FREQ=DAILY
      duration: 20m
      timeZone: UTC
      scope: {environments: [production]}
`;
  it.each<[string, string, Schedule, unknown[], string | undefined]>([
    ['three hours of a normal change', 'normal', { start: '2026-12-03T01:30:00+09:00', end: '2026-12-03T04:30:00+09:00' }, [['freeze', 'sync-deny', 3]], 'sync-deny (3 times)'],
    ['three hours of an emergency, which may pass', 'emergency', { start: '2026-12-03T01:30:00+09:00', end: '2026-12-03T04:30:00+09:00' }, [['freeze-bypass', 'sync-deny', 3]], undefined],
    [
      'two windows, one recurring, in calendar order',
      'normal',
      { start: '2026-12-03T21:15:00+09:00', end: '2026-12-04T00:05:00+09:00' },
      [
        ['freeze', 'nightly-backup', undefined],
        ['freeze', 'sync-deny', 3],
      ],
      'nightly-backup, sync-deny (3 times)',
    ],
  ])('%s lists each window once, with its count', async (_name, type, schedule, expected, freezeDetail) => {
    const justification = type === 'emergency' ? '  justification: Outage\n' : '';
    const [r] = await assessIn(
      { 'changes/argocd.yaml': CALENDAR, 'changes/CR-2026-0100.yaml': changeDoc('CR-2026-0100', `  type: ${type}\n${justification}  services: [cart]\n${SAFE}`, schedule) },
      NOW,
      ['CR-2026-0100'],
    );
    expect(r!.conflicts.map((c) => [c.code, c.with, c.occurrences])).toEqual(expected);
    const freeze = r!.controls.find((c) => c.code === 'freeze')!;
    expect(freeze.met).toBe(freezeDetail === undefined);
    if (freezeDetail !== undefined) expect(freeze.detail).toBe(`inside ${freezeDetail}`);
  });
});
