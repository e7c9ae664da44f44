/**
 * Documents the validation cache's tests edit: a team, a service owned by it, and an incident on
 * that service with an open action item (so the run has a follow-up deadline to place).
 */
export const TEAM = (name: string) => `apiVersion: opsledger/v1\nkind: Team\nmetadata: {name: ${name}}\nspec:\n  members: [ana-lima]\n`;
export const SERVICE = (owner: string) =>
  `apiVersion: opsledger/v1\nkind: Service\nmetadata:\n  name: payments-api\n  title: Payments\nspec:\n  owner: ${owner}\n  tier: 2\n  exposure: company\n  lifecycle: production\n  dependsOn:\n    - service:checkout-api\n`;
export const INCIDENT = `apiVersion: opsledger/v1
kind: Incident
metadata: {name: INC-2026-0001, title: Checkout errors}
spec:
  severity: sev2
  status: resolved
  startedAt: "2026-12-03T10:00:00+09:00"
  detectedAt: "2026-12-03T10:05:00+09:00"
  mitigatedAt: "2026-12-03T10:30:00+09:00"
  resolvedAt: "2026-12-03T11:00:00+09:00"
  services: [payments-api]
  review:
    summary: A missing index
    actionItems:
      - {title: Add the index, owner: payments, due: "2026-12-20", state: open}
`;
