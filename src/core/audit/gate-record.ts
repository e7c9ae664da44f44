import type { GateCheck, GateDecision, RecordedApproval } from '../gate.js';

/**
 * The durable record of one gate decision: a check run named `opsledger/gate` on the deployed
 * commit, its `output.text` the decision as JSON. A check run can only be written by a GitHub
 * App (the Action's `github-actions` or opsledger's own App), never by a person's token, and
 * the audit shows which App wrote each record. The record is evidence of what the gate said,
 * not a substitute for what it checked: the audit re-derives the approvals from GitHub's
 * reviews and the base's policy, and reports a record that disagrees.
 */
export const GATE_CHECK_NAME = 'opsledger/gate';
export const GATE_RECORD_SCHEMA = 'opsledger/gate-record/v1';

export interface GateRecord {
  schema: typeof GATE_RECORD_SCHEMA;
  change: string;
  environment: string | null;
  at: string;
  allowed: boolean;
  /** The commit being deployed, which the check run sits on. */
  deployedSha: string;
  policyCommit: string | null;
  approvalBase: string | null;
  pullRequest: number | null;
  checks: GateCheck[];
  approvals: RecordedApproval[];
}

/** The record of a decision; keys in a fixed order so equal decisions give equal bytes. */
export function gateRecordOf(decision: GateDecision, deployedSha: string): GateRecord {
  const e = decision.evidence;
  return {
    schema: GATE_RECORD_SCHEMA,
    change: decision.change,
    environment: decision.environment ?? null,
    at: decision.at,
    allowed: decision.allowed,
    deployedSha,
    policyCommit: e?.policyCommit ?? null,
    approvalBase: e?.approvalBase ?? null,
    pullRequest: e?.pullRequest?.number ?? null,
    checks: decision.checks.map((c) => ({ code: c.code, ok: c.ok, detail: c.detail, ...(c.unknown ? { unknown: c.unknown } : {}) })),
    approvals: (e?.approvals ?? []).map((a) => ({ login: a.login, reviewId: a.reviewId, commit: a.commit, submittedAt: a.submittedAt, groups: [...a.groups] })),
  };
}

export function gateRecordText(record: GateRecord): string {
  return JSON.stringify(record, null, 2);
}

/** The check run's title: short, and the same for the same decision. */
export function gateRecordTitle(record: GateRecord): string {
  return `${record.change} ${record.allowed ? 'allowed' : 'denied'}${record.environment ? ` for ${record.environment}` : ''}`;
}

const SHA = /^[0-9a-f]{40}$/;
const MAX_RECORD = 65_535;

function isCheck(c: unknown): c is GateCheck {
  const x = c as Record<string, unknown>;
  return typeof x === 'object' && x !== null && typeof x.code === 'string' && typeof x.ok === 'boolean' && typeof x.detail === 'string';
}

function isApproval(a: unknown): a is RecordedApproval {
  const x = a as Record<string, unknown>;
  return (
    typeof x === 'object' &&
    x !== null &&
    typeof x.login === 'string' &&
    Number.isInteger(x.reviewId) &&
    typeof x.commit === 'string' &&
    (x.submittedAt === null || typeof x.submittedAt === 'string') &&
    Array.isArray(x.groups) &&
    x.groups.every((g) => typeof g === 'string')
  );
}

const nullableString = (v: unknown) => v === null || typeof v === 'string';

/**
 * Reads a record back from a check run's text, or says why it is not one: anything that is not
 * exactly a record for the commit it sits on is refused, never half-read.
 */
export function readGateRecord(text: string | null | undefined, headSha: string): { record: GateRecord } | { refused: string } {
  if (!text) return { refused: 'the check run carries no record' };
  if (text.length > MAX_RECORD) return { refused: 'the record is larger than a check run can hold' };
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return { refused: 'the record is not JSON' };
  }
  const r = data as Record<string, unknown>;
  if (typeof r !== 'object' || r === null || Array.isArray(r)) return { refused: 'the record is not an object' };
  if (r.schema !== GATE_RECORD_SCHEMA) return { refused: `the record is not ${GATE_RECORD_SCHEMA}` };
  const ok =
    typeof r.change === 'string' &&
    nullableString(r.environment) &&
    typeof r.at === 'string' &&
    Number.isFinite(Date.parse(r.at)) &&
    typeof r.allowed === 'boolean' &&
    typeof r.deployedSha === 'string' &&
    SHA.test(r.deployedSha) &&
    nullableString(r.policyCommit) &&
    nullableString(r.approvalBase) &&
    (r.pullRequest === null || Number.isInteger(r.pullRequest)) &&
    Array.isArray(r.checks) &&
    r.checks.every(isCheck) &&
    Array.isArray(r.approvals) &&
    r.approvals.every(isApproval);
  if (!ok) return { refused: 'the record lacks a field or has one of the wrong type' };
  if (r.deployedSha !== headSha) return { refused: `the record names ${String(r.deployedSha).slice(0, 7)} but sits on ${headSha.slice(0, 7)}` };
  // An allowed record with a failing check contradicts itself.
  if (r.allowed === true && (r.checks as GateCheck[]).some((c) => !c.ok)) return { refused: 'the record says allowed with a failing check' };
  return { record: data as GateRecord };
}
