import { makeOrg } from './org.js';

/** A service of the shape organisations: owned by the minimal organisation's team. */
function service(name: string, dependsOn: readonly string[], tier = 2, exposure = 'company'): string {
  return `apiVersion: opsledger/v1
kind: Service
metadata: {name: ${name}}
spec:
  owner: checkout
  tier: ${tier}
  exposure: ${exposure}
  lifecycle: production
  dependsOn: [${dependsOn.map((d) => `service:${d}`).join(', ')}]
`;
}

/**
 * The minimal organisation plus services whose dependsOn the test draws: `edges[name]` lists
 * what `name` depends on. The services go 1,000 to a file, as a large organisation would.
 */
export function shapeOrg(edges: Record<string, readonly string[]>, extra: Record<string, string> = {}): string {
  const docs = Object.entries(edges).map(([name, deps], i) => service(name, deps, 1 + (i % 4), ['team', 'department', 'company', 'external'][i % 4]));
  const files: Record<string, string> = { ...extra };
  for (let i = 0; i < docs.length; i += 1000) files[`services/shape/part-${String(i / 1000).padStart(3, '0')}.yaml`] = docs.slice(i, i + 1000).join('---\n');
  return makeOrg(files);
}

export const chainEdges = (n: number, root = 'root'): Record<string, string[]> => {
  const out: Record<string, string[]> = { [root]: [] };
  for (let i = 1; i <= n; i++) out[`n${String(i).padStart(6, '0')}`] = [i === 1 ? root : `n${String(i - 1).padStart(6, '0')}`];
  return out;
};

export const starEdges = (n: number, root = 'root'): Record<string, string[]> => {
  const out: Record<string, string[]> = { [root]: [] };
  for (let i = 1; i <= n; i++) out[`n${String(i).padStart(6, '0')}`] = [root];
  return out;
};

/** An open change on the shape's root. */
export const CHANGE_ON_ROOT = {
  'changes/CR-2026-0500.yaml': `apiVersion: opsledger/v1
kind: ChangeRequest
metadata: {name: CR-2026-0500, title: Resize root}
spec:
  type: normal
  requester: mina-park
  services: [root]
  environment: production
  schedule: {start: "2026-12-03T01:00:00+09:00", end: "2026-12-03T02:00:00+09:00"}
  description: Everything in the shape depends on root.
status:
  phase: submitted
`,
};
