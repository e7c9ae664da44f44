import type { OutcomeRequest } from '../core/outcome/plan.js';
import { mayHoldChange, recordOutcomeInText, type RecordOutput } from '../core/outcome/record.js';
import { refusal } from '../core/outcome/refusals.js';
import type { SchemaRegistry } from '../core/schema/registry.js';
import { didYouMean } from '../core/suggest.js';
import { InputError } from './errors.js';
import type { RecordStep, Workspace } from './ports/workspace.js';

/** Decisions redone when the file changed under one before it could be written. */
const EDIT_RETRIES = 3;

export interface RecordOptions {
  change: string;
  request: OutcomeRequest;
  /** Commit the file (and push it, when `push`), retrying on a moved remote. */
  commit?: boolean;
  push?: boolean;
  now: () => number;
  registry: SchemaRegistry;
}

export interface RecordResult {
  file: string;
  out: RecordOutput;
  git?: { commit?: string; pushed?: { remote: string; branch: string }; attempts: number };
}

/**
 * The ids of the change requests in the working tree, read from the documents themselves: a
 * file's name is only a convention and may name another change than the one it holds.
 */
async function changeIds(ws: Workspace): Promise<string[]> {
  const read = await ws.source.read({ threads: 1 });
  return read.analyses.flatMap((a) => a.documents.filter((d) => d.kind === 'ChangeRequest').map((d) => d.name));
}

/**
 * Writes a change's outcome (its post-implementation review) into the file that holds it. The
 * file is re-read on every attempt, so a recorder that lost a race decides again on the text
 * the winner left. Git failures throw RecordGitError (an ExpectedFailure).
 */
export async function recordOutcome(ws: Workspace, options: RecordOptions): Promise<RecordResult> {
  const id = options.change;
  const file = ws.findChangeFile(id, (_f, text) => mayHoldChange(text, id));
  if (!file) {
    const hint = didYouMean(id, await changeIds(ws));
    throw new InputError(`no change request ${id}${hint ? `; ${hint}` : ''}`);
  }
  // Read, decide and write on the file as it is now, holding its lock, so a concurrent recorder
  // (of this change or another in the same file) decides on what this one wrote, never on what
  // was there before. With --push the step may run again after a rebase.
  const once = (): Awaited<ReturnType<RecordStep<RecordOutput>>> => {
    for (let attempt = 0; attempt < EDIT_RETRIES; attempt++) {
      const text = ws.readText(file);
      if (text === undefined) return { ok: false, value: { ok: false, refusals: [refusal('record.unreadable', file)] } };
      const out = recordOutcomeInText({ file, text, change: id, request: options.request, now: options.now(), registry: options.registry });
      if (!out.ok) return { ok: false, value: out };
      if (out.unchanged) return { ok: true, changed: false, value: out };
      // The lock keeps other recorders out, not an editor or a tool that ignores it: the file
      // must still be what the decision was made on.
      if (ws.readText(file) !== text) continue;
      ws.writeText(file, out.text);
      return { ok: true, changed: true, value: out };
    }
    return { ok: false, value: { ok: false, refusals: [refusal('record.conflict', file)] } };
  };
  const step: RecordStep<RecordOutput> = async () => {
    const locked = await ws.withFileLock(file, once);
    return locked.ok ? locked.value : { ok: false, value: { ok: false, refusals: [refusal('record.locked', `held by ${locked.holder}`)] } };
  };
  if (!options.commit) return { file, out: (await step()).value };
  const r = await ws.commitRecord(step, { file, message: `Record the outcome of ${id}: ${options.request.result}`, push: Boolean(options.push) });
  if (r.status === 'dirty') return { file, out: { ok: false, refusals: [refusal('record.dirty', file)] } };
  if (r.status !== 'done') return { file, out: r.value };
  return { file, out: r.value, git: { ...(r.commit ? { commit: r.commit } : {}), ...(r.pushed ? { pushed: r.pushed } : {}), attempts: r.attempts } };
}
