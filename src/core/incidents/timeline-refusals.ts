/**
 * Why `opsledger incident timeline --add` refuses to write. Like record's refusals (src/core/
 * outcome/refusals.ts) these answer a request rather than find fault with a file, so they have
 * stable codes of their own; kept apart from the editor so `explain` can read them without
 * loading a YAML parser.
 */
export const TIMELINE_REFUSALS = {
  'timeline.not-found': 'the file does not hold this incident',
  'timeline.invalid-file': 'the incident file has validation errors already; fix them before adding to it',
  'timeline.invalid-result': 'the incident would not validate with this entry; nothing was written',
  'timeline.unreadable': 'the incident file cannot be read (the read policy refused it: a link out, a FIFO or device, or over the size cap)',
  'timeline.locked': 'another opsledger process kept the incident file locked past the wait; nothing was written, run again',
  'timeline.conflict': 'the incident file kept changing under the edit (changed by something that does not take the lock); nothing was written, run again',
  'timeline.unsupported': 'the timeline is written in a form this command does not edit (not a list); edit it by hand',
} as const;
export type TimelineRefusalCode = keyof typeof TIMELINE_REFUSALS;
export interface TimelineRefusal {
  code: TimelineRefusalCode;
  message: string;
}
export function timelineRefusal(code: TimelineRefusalCode, detail?: string): TimelineRefusal {
  return { code, message: detail ? `${TIMELINE_REFUSALS[code]} (${detail})` : TIMELINE_REFUSALS[code] };
}
