/**
 * Why `opsledger record` refuses to write an outcome. These are not validation diagnostics (no
 * file is wrong yet); they are answers to a request, so they have their own stable codes that
 * pipelines can branch on (`--format json` prints them) and `record` exits 1 with them.
 */
export const REFUSALS = {
  'record.invalid-file': 'the change file has validation errors already; fix them before recording an outcome',
  'record.not-found': 'the file does not hold this change request',
  'record.cancelled': 'the change was cancelled, so nothing was implemented and there is no outcome to record',
  'record.draft': 'the change is still a draft: it was never submitted, so it cannot have been implemented',
  'record.failure-on-success': 'a successful or partial change has no failure: drop --detected-at/--restored-at, or record it as failed',
  'record.restored-without-detection': 'a restoration time needs the detection time too, or time to restore cannot be measured',
  'record.order': 'the times must follow each other: implemented, then failure detected, then restored',
  'record.future': 'the time lies in the future; an outcome records what already happened',
  'record.rewrite-failure': 'the change is already recorded as failed or rolled back; a recorded failure is not turned into a success by a later run (unless --force with a --reason, which the notes keep)',
  'record.invalid-result': 'the change file would not validate with this outcome',
  'record.cannot-edit': 'the change file cannot be edited in place without touching more than the outcome (its layout, or its size after the edit); record the outcome by hand',
  'record.unreadable': 'the change file cannot be read (the read policy refused it: a link out, a FIFO or device, or over the size cap)',
  'record.locked': 'another opsledger process kept the change file locked past the wait; nothing was written, run again',
  'record.conflict': 'the change file kept changing under the record (edited by something that does not take the lock); nothing was written, run again',
  'record.dirty': 'the change file has uncommitted edits; commit or discard them first so the record commit holds only the outcome',
} as const;

export type RefusalCode = keyof typeof REFUSALS;

export interface Refusal {
  code: RefusalCode;
  message: string;
  /** The outcome field the refusal is about, when there is one. */
  field?: string;
}

export function refusal(code: RefusalCode, detail?: string, field?: string): Refusal {
  return { code, message: detail ? `${REFUSALS[code]} (${detail})` : REFUSALS[code], ...(field ? { field } : {}) };
}
