import type { ErrorObject } from 'ajv';
import { joinPointer, splitPointer, type UnplacedDiagnostic } from '../diagnostics.js';
import { didYouMean } from '../suggest.js';

/** A schema problem, still without a position; `target` says whether to point at the key. */
export interface SchemaFinding extends UnplacedDiagnostic {
  target: 'key' | 'value';
}

/** `/spec/owners/0/team` → `spec.owners[0].team`, the way people read paths. */
export function humanPath(pointer: string): string {
  let out = '';
  for (const t of splitPointer(pointer)) {
    if (/^\d+$/.test(t)) out += `[${t}]`;
    else out += (out ? '.' : '') + (/^[A-Za-z_$][\w$-]*$/.test(t) ? t : JSON.stringify(t));
  }
  return out || '(document)';
}

function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return `the text ${JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v)}`;
  return `${typeof v} ${String(v)}`;
}

function valueAt(root: unknown, pointer: string): unknown {
  let v: unknown = root;
  for (const t of splitPointer(pointer)) {
    if (v === null || typeof v !== 'object') return undefined;
    v = Object.prototype.hasOwnProperty.call(v, t) ? (v as Record<string, unknown>)[t] : undefined;
  }
  return v;
}

/**
 * Turns ajv's errors (allErrors) into findings. Branch errors under a failed anyOf/oneOf are
 * folded into that one error, so a reader sees one problem per node.
 */
export function schemaFindings(errors: readonly ErrorObject[], value: unknown): SchemaFinding[] {
  const unions = errors.filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf').map((e) => e.schemaPath + '/');
  const out: SchemaFinding[] = [];
  const seen = new Set<string>();
  for (const e of errors) {
    if (e.keyword === 'if') continue;
    if (unions.some((prefix) => e.schemaPath.startsWith(prefix))) continue;
    const finding = toFinding(e, value);
    const key = finding.code + '\u0000' + finding.pointer;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(finding);
  }
  return out;
}

function toFinding(e: ErrorObject, value: unknown): SchemaFinding {
  const at = e.instancePath;
  const base = { severity: 'error' as const, code: `schema.${e.keyword}` };
  const params = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required': {
      const pointer = joinPointer(at, String(params.missingProperty));
      return { ...base, pointer, target: 'value', message: `${humanPath(pointer)} is required` };
    }
    case 'additionalProperties': {
      const prop = String(params.additionalProperty);
      const pointer = joinPointer(at, prop);
      const known = Object.keys(((e.parentSchema as Record<string, unknown> | undefined)?.properties as object | undefined) ?? {});
      const hint = didYouMean(prop, known);
      return {
        ...base,
        pointer,
        target: 'key',
        message: `${humanPath(pointer)} is not a known property`,
        ...(hint ? { hint } : known.length ? { hint: `known properties: ${known.join(', ')}` } : {}),
      };
    }
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).map((v) => JSON.stringify(v));
      const actual = valueAt(value, at);
      const hint = typeof actual === 'string' ? didYouMean(actual, (params.allowedValues as unknown[]).map(String)) : undefined;
      return { ...base, pointer: at, target: 'value', message: `${humanPath(at)} must be one of ${allowed.join(', ')}`, ...(hint ? { hint } : {}) };
    }
    case 'const':
      return { ...base, pointer: at, target: 'value', message: `${humanPath(at)} must be ${JSON.stringify(params.allowedValue)}` };
    case 'type':
      return { ...base, pointer: at, target: 'value', message: `${humanPath(at)} must be ${article(String(params.type))}, not ${describeValue(valueAt(value, at))}` };
    case 'format':
      return { ...base, pointer: at, target: 'value', message: `${humanPath(at)} is not a valid ${formatName(String(params.format))}` };
    case 'pattern':
      return { ...base, pointer: at, target: 'value', message: `${humanPath(at)} does not match the expected form ${String(params.pattern)}` };
    case 'propertyNames':
      return { ...base, pointer: joinPointer(at, String(params.propertyName)), target: 'key', message: `${humanPath(at)} has an invalid key ${JSON.stringify(params.propertyName)}` };
    default:
      return { ...base, pointer: at, target: 'value', message: `${humanPath(at)} ${e.message ?? 'is invalid'}` };
  }
}

function article(type: string): string {
  const t = type.replace(/,/g, ' or ');
  return /^[aeiou]/.test(t) ? `an ${t}` : `a ${t}`;
}

const FORMAT_NAMES: Record<string, string> = {
  'date-time': 'date-time with an offset, upper-case T and Z, between 1970 and 2999 (e.g. 2026-12-02T01:00:00+09:00)',
  date: 'date (YYYY-MM-DD)',
  uri: 'absolute URL',
  'web-url': 'http(s) or mailto: URL (e.g. https://wiki.example.com/rb/restart)',
  evidence: 'evidence reference: an http(s) or mailto: URL, or words (never a script, data or file URL)',
  email: 'email address',
  'opsledger-duration': 'duration of at most 3660d (e.g. 30m, 2h, 5d)',
  'opsledger-deadline': 'duration of at most 3660d, or business days up to 365bd (e.g. 5bd, 7d)',
  'openslo-duration': 'OpenSLO duration (e.g. 28d, 1M)',
  'local-date-time': 'local date-time without offset, between 1970 and 2999 (e.g. 2026-01-06T01:00:00)',
};

function formatName(format: string): string {
  return FORMAT_NAMES[format] ?? format;
}
