import type { Ajv, Format } from 'ajv';
import { fullFormats } from 'ajv-formats/dist/formats.js';
import { isSupportedLocal, parseInstant } from '../calendar/local-time.js';
import { isDeadline, isDuration } from '../duration.js';
import { isEvidence, isWebUrl } from './link-formats.js';

/**
 * Formats used by schemas/. Standard ones come from ajv-formats, except `date-time`: that is
 * opsledger's own instant reader (local-time.ts parseInstant), so validate accepts exactly what
 * the calendar, risk, the gate and the catalog can read later (ajv-formats also takes lower-case
 * t/z, leap seconds and years no later step can compute with). Ours:
 * - `date-time`: RFC 3339 with an offset, 1970..2999, upper-case T and Z
 * - `opsledger-duration`: 30m, 2h, 5d, 1h30m
 * - `opsledger-deadline`: a duration, or business days (5bd)
 * - `openslo-duration`: OpenSLO's 1m / 28d / 1M / 1Q / 1Y (M is a month, m a minute)
 * - `local-date-time`: a wall-clock time without offset, read in a window's `timeZone`
 * - `web-url`: an absolute http(s) URL or a mailto: address (see link-formats.ts)
 * - `evidence`: a web URL or a reference in words, never a script, data or file URL
 */
const OPENSLO_DURATION = /^[1-9]\d*[mhdwMQY]$/;
const STANDARD = ['date', 'time', 'uri', 'email', 'uri-reference'] as const;

/** A wall-clock time that exists (no :60, no 24:00, no February 30) in the years opsledger reads. */
export function isLocalDateTime(text: string): boolean {
  return isSupportedLocal(text);
}

let table: Record<string, Format> | undefined;

/**
 * Every format by name. One table serves both ajv at run time and the validators compiled
 * ahead of time, which look their formats up in it by name.
 */
export function opsledgerFormats(): Readonly<Record<string, Format>> {
  if (table) return table;
  table = {};
  for (const name of STANDARD) table[name] = fullFormats[name] as Format;
  table['date-time'] = { type: 'string', validate: (s: string) => parseInstant(s) !== undefined };
  table['opsledger-duration'] = { type: 'string', validate: isDuration };
  table['opsledger-deadline'] = { type: 'string', validate: isDeadline };
  table['openslo-duration'] = { type: 'string', validate: (s: string) => OPENSLO_DURATION.test(s) };
  table['local-date-time'] = { type: 'string', validate: isLocalDateTime };
  table['web-url'] = { type: 'string', validate: isWebUrl };
  table['evidence'] = { type: 'string', validate: isEvidence };
  return table;
}

export function addOpsledgerFormats(ajv: Ajv): Ajv {
  for (const [name, format] of Object.entries(opsledgerFormats())) ajv.addFormat(name, format);
  return ajv;
}
