import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { loadOrganisation } from '../../src/adapters/fs/load-organisation.js';
import { riskContext } from '../../src/app/assess-risk.js';
import { assessChange } from '../../src/core/risk/assess.js';
import type { RiskReport } from '../../src/core/risk/types.js';
import { makeOrg, PROJECT_ROOT } from '../helpers/org.js';

/** Builds a minimal organisation with extra files, loads it and scores changes in it at `now`. */

export const FIXTURE_POLICY = readFileSync(join(PROJECT_ROOT, 'test/fixtures/minimal-org/changes/policy.yaml'), 'utf8');

export interface Schedule {
  start: string;
  end: string;
}

export function changeDoc(id: string, body: string, schedule: Schedule, phase = 'submitted'): string {
  return `apiVersion: opsledger/v1
kind: ChangeRequest
metadata: {name: ${id}, title: Test change}
spec:
  requester: mina-park
  environment: production
  schedule: {start: "${schedule.start}", end: "${schedule.end}"}
${body}status:
  phase: ${phase}
`;
}

export async function assessIn(files: Record<string, string>, now: number, ids: readonly string[]): Promise<RiskReport[]> {
  const root = makeOrg(files);
  const loaded = await loadOrganisation(root);
  expect(loaded.validation.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const ctx = riskContext(loaded, now, { shallow: false, byId: new Map() });
  return ids.map((id) => assessChange(ctx, id));
}
