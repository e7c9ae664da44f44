import type { Ajv, Format } from 'ajv';
import { fullFormats } from 'ajv-formats/dist/formats.js';
import { isDuration } from '../duration.js';
import { isEvidence, isWebUrl } from './link-formats.js';

/**
 * Formats used by schemas/. Standard ones come from ajv-formats (`date-time` there requires an
 * offset, which is what we want for instants). Ours:
 * - `opsledger-duration`: 30m, 2h, 5d, 1h30m
 * - `openslo-duration`: OpenSLO's 1m / 28d / 1M / 1Q / 1Y (M is a month, m a minute)
 * - `local-date-time`: a wall-clock time without offset, read in a window's `timeZone`
 * - `web-url`: an absolute http(s) URL or a mailto: address (see link-formats.ts)
 * - `evidence`: a web URL or a reference in words, never a script, data or file URL
 */
const LOCAL_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?$/;
const OPENSLO_DURATION = /^[1-9]\d*[mhdwMQY]$/;
const STANDARD = ['date-time', 'date', 'time', 'uri', 'email', 'uri-reference'] as const;

export function isLocalDateTime(text: string): boolean {
  if (!LOCAL_DATE_TIME.test(text)) return false;
  const d = new Date(text + 'Z');
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === text.slice(0, 10);
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
  table['opsledger-duration'] = { type: 'string', validate: isDuration };
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
