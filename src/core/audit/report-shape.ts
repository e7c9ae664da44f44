import { joinPointer } from '../diagnostics.js';
import { RISK_CLASSES, type ChangeType } from '../model.js';
import { PHRASES_EN } from '../phrase.js';
import { AUDIT_CODES, type AuditReport } from './reconcile.js';

/**
 * Whether a value read from a file is an audit report as `opsledger audit --report` writes it,
 * before the catalog renders it: every field a page reads has the type it is read as, and every
 * reason is a phrase opsledger knows, so a hand-edited or truncated file is a diagnostic with
 * its place, never a page half rendered or a crash. Problems are JSON pointers into the file.
 */
export interface ShapeProblem {
  pointer: string;
  message: string;
}

type Check = (v: unknown, at: string, out: ShapeProblem[]) => void;

const CHANGE_TYPES: readonly ChangeType[] = ['standard', 'normal', 'emergency'];
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const need = (what: string, ok: (v: unknown) => boolean): Check => (v, at, out) => {
  if (!ok(v)) out.push({ pointer: at, message: `expected ${what}` });
};
const str = need('a string', (v) => typeof v === 'string');
const strOrNull = need('a string or null', (v) => typeof v === 'string' || v === null);
const num = need('a number', (v) => typeof v === 'number' && Number.isFinite(v));
const numOrNull = need('a number or null', (v) => v === null || (typeof v === 'number' && Number.isFinite(v)));
const bool = need('true or false', (v) => typeof v === 'boolean');
const boolOrNull = need('true, false or null', (v) => typeof v === 'boolean' || v === null);
const oneOf = (values: readonly string[], nullable = false) => need(`one of ${values.join(', ')}${nullable ? ' or null' : ''}`, (v) => (nullable && v === null) || values.includes(v as string));
const strings = need('a list of strings', (v) => Array.isArray(v) && v.every((x) => typeof x === 'string'));

function object(fields: Record<string, Check>, nullable = false): Check {
  return (v, at, out) => {
    if (nullable && v === null) return;
    if (!isObj(v)) return void out.push({ pointer: at, message: `expected an object${nullable ? ' or null' : ''}` });
    for (const [k, check] of Object.entries(fields)) check(v[k], joinPointer(at, k), out);
  };
}

function list(item: Check): Check {
  return (v, at, out) => {
    if (!Array.isArray(v)) return void out.push({ pointer: at, message: 'expected a list' });
    v.forEach((x, i) => item(x, joinPointer(at, i), out));
  };
}

/** A phrase opsledger can print: a known key, and arguments of the kinds phrases carry. */
const phraseCheck: Check = (v, at, out) => {
  if (!isObj(v) || typeof v.key !== 'string' || !(v.key in PHRASES_EN)) return void out.push({ pointer: at, message: 'expected a reason opsledger wrote (a known phrase key)' });
  if (v.args === undefined) return;
  if (!isObj(v.args)) return void out.push({ pointer: joinPointer(at, 'args'), message: 'expected an object' });
  for (const [k, a] of Object.entries(v.args)) argCheck(a, joinPointer(at, 'args', k), out);
};

const argCheck: Check = (a, at, out) => {
  if (typeof a === 'string' || (typeof a === 'number' && Number.isFinite(a))) return;
  if (Array.isArray(a)) return a.forEach((x, i) => argCheck(x, joinPointer(at, i), out));
  if (isObj(a) && 'key' in a) return phraseCheck(a, at, out);
  out.push({ pointer: at, message: 'expected a string, a number, a list of them or a phrase' });
};

const approval = object({ login: str, reviewId: num, commit: str, submittedAt: strOrNull, groups: strings });
const gate = object({ at: str, environment: strOrNull, allowed: bool, sha: str, checkRunId: num, app: strOrNull });
const change = object({
  change: str,
  declaredType: oneOf(CHANGE_TYPES),
  type: oneOf(CHANGE_TYPES, true),
  class: oneOf(RISK_CLASSES, true),
  policyCommit: strOrNull,
  pullRequest: numOrNull,
  mergedAt: strOrNull,
  commit: str,
  approved: boolOrNull,
  approvals: list(approval),
  gates: list(gate),
  outcome: strOrNull,
  implementedAt: strOrNull,
  review: object({ required: bool, due: strOrNull, done: bool, overdue: bool }, true),
  template: object({ name: strOrNull, inside: bool, reason: strOrNull }, true),
  unverified: strings,
});
const exception = object({ code: oneOf(AUDIT_CODES), commit: strOrNull, pullRequest: numOrNull, change: strOrNull, detail: str, reason: phraseCheck });
const report = object({
  period: object({ since: str, until: str }),
  offline: bool,
  changes: list(change),
  exceptions: list(exception),
  summary: object({ commits: num, units: num, changes: num, exceptions: num, unverified: num }),
});

export function auditReportProblems(value: unknown): ShapeProblem[] {
  const out: ShapeProblem[] = [];
  report(value, '', out);
  return out;
}

export function asAuditReport(value: unknown): AuditReport | undefined {
  return auditReportProblems(value).length ? undefined : (value as AuditReport);
}
