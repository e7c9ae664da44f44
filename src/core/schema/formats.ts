import type { Ajv } from 'ajv';
import formatsModule from 'ajv-formats';
import { isDuration } from '../duration.js';

/**
 * Formats used by schemas/. Standard ones come from ajv-formats (`date-time` there requires an
 * offset, which is what we want for instants). Ours:
 * - `opsledger-duration`: 30m, 2h, 5d, 1h30m
 * - `openslo-duration`: OpenSLO's 1m / 28d / 1M / 1Q / 1Y (M is a month, m a minute)
 * - `local-date-time`: a wall-clock time without offset, read in a window's `timeZone`
 */
const LOCAL_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?$/;
const OPENSLO_DURATION = /^[1-9]\d*[mhdwMQY]$/;

// ajv-formats is CommonJS; under NodeNext its default export arrives as the module object.
const addFormats = ((formatsModule as unknown as { default?: unknown }).default ?? formatsModule) as (ajv: Ajv, formats: string[]) => Ajv;

export function isLocalDateTime(text: string): boolean {
  if (!LOCAL_DATE_TIME.test(text)) return false;
  const d = new Date(text + 'Z');
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === text.slice(0, 10);
}

export function addOpsledgerFormats(ajv: Ajv): Ajv {
  addFormats(ajv, ['date-time', 'date', 'time', 'uri', 'email', 'uri-reference']);
  ajv.addFormat('opsledger-duration', { type: 'string', validate: isDuration });
  ajv.addFormat('openslo-duration', { type: 'string', validate: (s: string) => OPENSLO_DURATION.test(s) });
  ajv.addFormat('local-date-time', { type: 'string', validate: isLocalDateTime });
  return ajv;
}
