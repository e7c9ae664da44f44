import type { ApprovalDecision } from './approvals.js';
import type { WindowOccurrence } from './calendar/expand.js';
import { windowVerdict } from './calendar/in-force.js';
import type { Environments } from './environments.js';
import type { ChangeRequest } from './model.js';
import { isOpen } from './change-phase.js';
import { didYouMean } from './suggest.js';
import { english, phrase } from './phrase.js';
import type { RiskReport } from './risk/types.js';

/**
 * The deploy gate's decision: may this change be implemented now? Every check is listed with
 * its reason; the deploy is allowed only when every check passes. Anything unknown counts as a
 * failure, so the gate fails closed.
 */
export interface GateCheck {
  code: string;
  ok: boolean;
  detail: string;
  /** The code of the unknown fact that failed the check closed (e.g. `git.shallow`). */
  unknown?: string;
}

export interface GateDecision {
  allowed: boolean;
  change: string;
  at: string;
  checks: GateCheck[];
  /** The environment the pipeline named, as it named it. */
  environment?: string;
  /** What the decision was made from, for the durable record (only when it got that far). */
  evidence?: GateEvidence;
  /** Whether the decision was left as an `opsledger/gate` check run, and where. */
  record?: GateRecordStatus;
}

/** The facts behind a decision that an audit cannot re-read from the files alone. */
export interface GateEvidence {
  /** The default-branch commit whose policy scored the change at the gate. */
  policyCommit: string | null;
  /** The commit whose policy and groups counted the approvals (the pull request's base before the merge). */
  approvalBase: string | null;
  pullRequest: { number: number; headSha: string | null; mergeCommitSha: string | null } | null;
  approvals: RecordedApproval[];
}

/** One approval that counted, with the GitHub review behind it. */
export interface RecordedApproval {
  login: string;
  reviewId: number;
  commit: string;
  submittedAt: string | null;
  /** The requirement groups it counted for. */
  groups: string[];
}

export interface GateRecordStatus {
  written: boolean;
  /** The commit the check run sits on. */
  sha: string | null;
  checkRunId?: number;
  /** Why no record was written (a dry run, or the failure's code and reason). */
  reason?: string;
}

export interface GateInput {
  changeId: string;
  at: number;
  /** The change as it is on the default branch; undefined when it is not there. */
  change?: ChangeRequest;
  /** The environment the pipeline deploys to, when it says. */
  environment?: string;
  /** The environments the base branch's policy declares: the pipeline's and the change's are compared by canonical name. */
  environments?: Environments;
  /** The pull request that introduced the change, and whether it is merged into the default branch. */
  pullRequest?: { number: number; merged: boolean; url?: string; headSha?: string; mergeCommitSha?: string | null };
  /**
   * The commit a deployment protection rule is asked about: it must be the head the approvals
   * were given on or the merge commit of that pull request, or the approvals say nothing about it.
   */
  deployedSha?: string;
  approvals?: ApprovalDecision;
  /**
   * The services the merged pull request changed through paths its base's policy ties to them
   * (spec.servicePaths), and whether this change covers each; absent when that policy ties no
   * path (then the check is not listed). See the `service-paths` check below.
   */
  servicePaths?: { service: string; paths: string[]; covered: boolean }[];
  risk?: RiskReport;
  /**
   * Window occurrences applying to the change that are in force over gateInterval(at, change)
   * (see CalendarView.windowsFor): its whole window and the moment of the deploy.
   */
  windows?: WindowOccurrence[];
  /** Failures met on the way (GitHub unreachable, malformed answers): each denies. */
  errors?: { code: string; detail: string }[];
  /** Carried into the decision unchanged, for the record. */
  evidence?: GateEvidence;
}

// Every control the class requires and that can be checked from the files; approvals are checked above.
const PLAN_CONTROLS = new Set(['rollback', 'progressive-delivery', 'premortem', 'verification', 'error-budget', 'maintenance-window', 'lead-time']);

/**
 * The interval the gate judges freezes over: the change's scheduled window, stretched to the
 * moment of the deploy when that falls outside it. Everything from `at` to the scheduled end is
 * in it, so a freeze that starts after the deploy but before the change ends denies; and so is
 * every part of the window the risk report judged, so the gate never allows a change whose
 * report shows a blocking freeze (reschedule it instead).
 */
export function gateInterval(at: number, change: Pick<ChangeRequest, 'spec'>): { from: number; to: number } {
  const start = Date.parse(change.spec.schedule.start);
  const end = Date.parse(change.spec.schedule.end);
  if (!Number.isFinite(start) || !Number.isFinite(end)) return { from: at, to: at + 1 };
  return { from: Math.min(at, start), to: Math.max(end, at + 1) };
}

export function decideGate(input: GateInput): GateDecision {
  const checks: GateCheck[] = [];
  const check = (code: string, ok: boolean, detail: string) => checks.push({ code, ok, detail });
  const at = new Date(input.at).toISOString();

  for (const e of input.errors ?? []) check(e.code, false, e.detail);

  const change = input.change;
  check('change-exists', Boolean(change), change ? `${input.changeId} is on the default branch` : `${input.changeId} is not on the default branch`);
  if (change) {
    const phase = change.status?.phase;
    const closed = !isOpen(change);
    check('phase', !closed, closed ? `the change is ${phase}` : `phase ${phase ?? 'unset'}`);
    if (input.environment !== undefined) {
      const envs = input.environments;
      const asked = envs ? envs.canonical(input.environment) : input.environment;
      const mine = envs?.canonical(change.spec.environment) ?? change.spec.environment;
      if (asked === undefined) {
        const hint = didYouMean(input.environment, envs!.written);
        check('environment', false, `"${input.environment}" is not an environment the policy declares${hint ? `; ${hint}` : ''}`);
      } else {
        const same = asked === mine;
        check('environment', same, same ? `deploys to ${mine}` : `the change is for ${mine}, not ${asked}`);
      }
    }
    const start = Date.parse(change.spec.schedule.start);
    const end = Date.parse(change.spec.schedule.end);
    const open = input.at >= start && input.at < end;
    check('schedule', open, open ? `inside the scheduled window ${change.spec.schedule.start} – ${change.spec.schedule.end}` : `outside the scheduled window ${change.spec.schedule.start} – ${change.spec.schedule.end}`);
  }

  const pr = input.pullRequest;
  check('merged', Boolean(pr?.merged), pr ? (pr.merged ? `merged in #${pr.number}` : `#${pr.number} is not merged into the default branch`) : 'no pull request introduced the change');

  if (input.deployedSha !== undefined) {
    const sha = input.deployedSha;
    const ok = Boolean(pr?.merged) && (sha === pr?.headSha || sha === pr?.mergeCommitSha);
    check('deployed-commit', ok, ok ? `${sha.slice(0, 7)} is ${sha === pr!.headSha ? 'the approved head' : 'the merge commit'} of #${pr!.number}` : pr ? `${sha.slice(0, 7)} is neither the approved head nor the merge commit of #${pr.number}` : `${sha.slice(0, 7)} cannot be tied to an approved pull request`);
  }

  const approvals = input.approvals;
  if (!approvals) check('approvals', false, 'approvals could not be established');
  else {
    const missing = approvals.requirements.filter((r) => !r.met).map((r) => `${r.count - r.approvers.length} from ${r.group}`);
    check('approvals', approvals.met, approvals.met ? `approved by ${approvals.requirements.map((r) => `${r.group}: ${r.approvers.join(', ') || '—'}`).join('; ')}` : `missing ${missing.join(', ')}`);
  }

  // A deploy goes out under one change: its window, its freeze exemptions, its approvals. The
  // merged commit carries every path the pull request changed, so a tied path of a service
  // this change does not cover would go out under rules that were never asked about that
  // service, even when another change in the same pull request covers it (that change has a
  // window and approvals of its own). The change being deployed must cover every such service.
  if (input.servicePaths) {
    const missing = input.servicePaths.filter((t) => !t.covered);
    check(
      'service-paths',
      missing.length === 0,
      english(
        missing.length
          ? phrase('servicePath.gateUncovered', { paths: [...new Set(missing.flatMap((t) => t.paths))].sort(), services: missing.map((t) => t.service) })
          : input.servicePaths.length
            ? phrase('servicePath.gateCovered', { services: input.servicePaths.map((t) => t.service) })
            : phrase('servicePath.gateNone'),
      ),
    );
  }

  const risk = input.risk;
  if (!risk) check('risk', false, 'the change could not be scored');
  else {
    const type = risk.effectiveType;
    const interval = change ? gateInterval(input.at, change) : { from: input.at, to: input.at + 1 };
    // The occurrences are already matched to the change's scope; its effective type decides.
    const { blocking, bypassed: bypass } = windowVerdict((input.windows ?? []).filter((w) => w.startMs < interval.to && w.endMs > interval.from), interval, { type });
    const over = `${new Date(interval.from).toISOString()} – ${new Date(interval.to).toISOString()}`;
    check(
      'freeze',
      blocking.length === 0,
      blocking.length
        ? `frozen during ${over}: ${blocking.map((w) => `${w.name} ${w.start} – ${w.end}${w.reason ? ` (${w.reason})` : ''}`).join(', ')}`
        : bypass.length
          ? `${type} change allowed through ${bypass.map((w) => w.name).join(', ')}; post-implementation review required`
          : `no freeze during ${over}`,
    );
    for (const c of risk.controls) if (PLAN_CONTROLS.has(c.code) && c.required) checks.push({ code: c.code, ok: c.met, detail: c.detail, ...(c.unknown ? { unknown: c.unknown } : {}) });
  }
  return { allowed: checks.every((c) => c.ok), change: input.changeId, at, checks, ...(input.environment !== undefined ? { environment: input.environment } : {}), ...(input.evidence ? { evidence: input.evidence } : {}) };
}
