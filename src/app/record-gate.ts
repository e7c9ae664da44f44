import { GATE_CHECK_NAME, gateRecordOf, gateRecordText, gateRecordTitle } from '../core/audit/gate-record.js';
import type { GateDecision } from '../core/gate.js';
import { knownFailure } from './ports/failure.js';
import type { GitHubApi } from './ports/github.js';

/**
 * Leaves a gate decision as its durable record, the `opsledger/gate` check run on the deployed
 * commit, and returns the decision with the record's status.
 *
 * Fail closed: a denial stays a denial whether or not it could be recorded. An allowance that
 * cannot be recorded becomes a denial (check `gate-record`): a deployment no record shows would
 * be an unexplained production change to every later audit, and the cure (grant the token
 * `checks: write`, or rerun when GitHub answers) is cheap next to that. `--dry-run` asks for no
 * record and says so in the decision; the audit then finds such a deployment ungated.
 */
export async function recordGateDecision(github: () => GitHubApi, decision: GateDecision, sha: string | undefined): Promise<GateDecision> {
  const fail = (reason: string): GateDecision => {
    const record = { written: false, sha: sha ?? null, reason };
    if (!decision.allowed) return { ...decision, record };
    return { ...decision, allowed: false, checks: [...decision.checks, { code: 'gate-record', ok: false, detail: `the decision could not be recorded: ${reason}` }], record };
  };
  if (!sha || !/^[0-9a-f]{40}$/.test(sha)) return fail('no deployed commit to record the decision on');
  const record = gateRecordOf(decision, sha);
  try {
    const api = github();
    const id = await api.publishCheckRun({
      name: GATE_CHECK_NAME,
      headSha: sha,
      conclusion: decision.allowed ? 'success' : 'failure',
      title: gateRecordTitle(record),
      summary: decision.checks.map((c) => `- ${c.ok ? '✅' : '❌'} \`${c.code}\``).join('\n'),
      text: gateRecordText(record),
      annotations: [],
    });
    return { ...decision, record: { written: true, sha, checkRunId: id } };
  } catch (e) {
    const f = knownFailure(e);
    return fail(f ? `${f.code}: ${f.detail}` : `error: ${(e as Error)?.message ?? String(e)}`);
  }
}

/** Where a CLI or Action gate leaves its record: the commit being deployed, else the run's commit, else the approved merge. */
export function recordCommitFor(decision: GateDecision, deployedSha: string | undefined, runSha: string | undefined): string | undefined {
  const sha = /^[0-9a-f]{40}$/;
  if (deployedSha && sha.test(deployedSha)) return deployedSha;
  if (runSha && sha.test(runSha)) return runSha;
  return decision.evidence?.pullRequest?.mergeCommitSha ?? undefined;
}
