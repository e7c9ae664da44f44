/**
 * A small organisation whose metrics are worked out by hand in test/core/metrics.test.ts: the
 * minimal org (team checkout with services checkout-api and cart; checkout-db belongs to
 * checkout-api) plus team payments with payments-api, and eleven changes around the window
 * 2026-09-01T00:00Z .. 2026-11-01T00:00Z.
 */
export interface FixtureChange {
  id: string;
  type?: 'normal' | 'emergency';
  services?: string[];
  cis?: string[];
  environment?: string;
  phase?: string;
  outcome?: Record<string, string>;
}

export function changeYaml(c: FixtureChange): string {
  const lines = [
    'apiVersion: opsledger/v1',
    'kind: ChangeRequest',
    `metadata: {name: ${c.id}}`,
    'spec:',
    `  type: ${c.type ?? 'normal'}`,
    ...(c.type === 'emergency' ? ['  justification: The outage could not wait for the CAB.'] : []),
    '  requester: mina-park',
    ...(c.services ? [`  services: [${c.services.join(', ')}]`] : []),
    ...(c.cis ? [`  configurationItems: [${c.cis.join(', ')}]`] : []),
    `  environment: ${c.environment ?? 'production'}`,
    '  schedule: {start: "2026-08-01T00:00:00Z", end: "2026-08-01T01:00:00Z"}',
    'status:',
    `  phase: ${c.phase ?? 'completed'}`,
  ];
  if (c.outcome) {
    lines.push('  outcome:');
    for (const [k, v] of Object.entries(c.outcome)) lines.push(`    ${k}: ${k === 'result' ? v : `"${v}"`}`);
  }
  return lines.join('\n') + '\n';
}

export const FIXTURE_CHANGES: FixtureChange[] = [
  { id: 'CR-2026-0101', services: ['checkout-api'], outcome: { result: 'successful', implementedAt: '2026-09-05T10:00:00Z' } },
  // Names only a CI: counts for checkout-api, the CI's service.
  { id: 'CR-2026-0102', cis: ['checkout-db'], outcome: { result: 'failed', implementedAt: '2026-09-20T10:00:00Z', failureDetectedAt: '2026-09-20T10:30:00Z', restoredAt: '2026-09-20T11:30:00Z' } },
  { id: 'CR-2026-0103', type: 'emergency', services: ['payments-api'], outcome: { result: 'rolled-back', implementedAt: '2026-10-02T00:00:00Z', failureDetectedAt: '2026-10-02T02:00:00Z', restoredAt: '2026-10-02T02:20:00Z' } },
  { id: 'CR-2026-0104', services: ['payments-api', 'cart'], outcome: { result: 'partial', implementedAt: '2026-10-15T12:00:00Z' } },
  // 23:30 UTC on 31 October is 08:30 on 1 November in Seoul. Not restored yet.
  { id: 'CR-2026-0105', services: ['cart'], outcome: { result: 'failed', implementedAt: '2026-10-31T23:30:00Z', failureDetectedAt: '2026-11-01T00:30:00Z' } },
  { id: 'CR-2026-0106', services: ['cart'], environment: 'staging', outcome: { result: 'successful', implementedAt: '2026-10-10T10:00:00Z' } },
  { id: 'CR-2026-0107', services: ['cart'], outcome: { result: 'successful', implementedAt: '2026-08-31T23:59:00Z' } },
  { id: 'CR-2026-0108', services: ['cart'], outcome: { result: 'successful', implementedAt: '2026-11-01T00:00:00Z' } },
  { id: 'CR-2026-0109', services: ['cart'], phase: 'cancelled', outcome: { result: 'successful', implementedAt: '2026-10-05T10:00:00Z' } },
  { id: 'CR-2026-0110', services: ['cart'], outcome: { result: 'successful' } },
  { id: 'CR-2026-0111', services: ['cart'], phase: 'scheduled' },
];

export const PAYMENTS_TEAM = `apiVersion: opsledger/v1
kind: Team
metadata: {name: payments}
spec:
  members: [tomasz-nowak]
  oncall: {schedule: "https://oncall.example.com/payments", escalation: [tomasz-nowak]}
`;

export const PAYMENTS_SERVICE = `apiVersion: opsledger/v1
kind: Service
metadata: {name: payments-api}
spec:
  owner: payments
  tier: 1
  exposure: external
  lifecycle: production
`;

export function fixtureFiles(changes: readonly FixtureChange[] = FIXTURE_CHANGES): Record<string, string> {
  const files: Record<string, string> = { 'teams/payments.yaml': PAYMENTS_TEAM, 'services/payments/service.yaml': PAYMENTS_SERVICE };
  for (const c of changes) files[`changes/${c.id}.yaml`] = changeYaml(c);
  return files;
}

export const WINDOW = { from: Date.parse('2026-09-01T00:00:00Z'), to: Date.parse('2026-11-01T00:00:00Z') };
