import { isMap, isScalar, isSeq, parseAllDocuments, type Document, type Pair, type YAMLMap, type YAMLSeq } from 'yaml';
import { analyzeText } from '../analyze.js';
import { parseInstant } from '../calendar/local-time.js';
import type { Diagnostic } from '../diagnostics.js';
import type { Incident, IncidentStatus, TimelineEntry } from '../model.js';
import type { SchemaRegistry } from '../schema/registry.js';
import { scalarText, spliceYaml, type KeyOrder } from '../yaml-splice.js';
import { timelineRefusal, type TimelineRefusal } from './timeline-refusals.js';

export { timelineRefusal, type TimelineRefusal } from './timeline-refusals.js';

/**
 * Adds one entry to an incident's timeline in the text of its file, and optionally moves its
 * status on, splicing text so every comment, blank line and flow mapping the edit does not touch
 * stays as written. Pure (text in, text out): the use case holds the file's lock around it and
 * writes atomically, and a lost race runs it again on the winner's text.
 */

export interface TimelineInput {
  file: string;
  text: string;
  incident: string;
  entry: TimelineEntry;
  /** The status the incident moves to with this entry. */
  status?: IncidentStatus;
  registry: SchemaRegistry;
}

export type TimelineOutput =
  | { ok: true; text: string; entry: TimelineEntry; position: number; status?: { from: IncidentStatus; to: IncidentStatus; stamped?: string } }
  | { ok: false; refusals: TimelineRefusal[]; diagnostics?: Diagnostic[] };

/** Where a new spec key goes, so an edited file reads like a hand-written one. */
export const INCIDENT_KEY_ORDER: KeyOrder = {
  spec: ['severity', 'status', 'startedAt', 'detectedAt', 'acknowledgedAt', 'mitigatedAt', 'resolvedAt', 'services', 'configurationItems', 'impact', 'causedBy', 'commander', 'responders', 'timeline', 'review'],
};

/**
 * The timestamp a status stands for, stamped with the entry's time when the file lacks it: a
 * responder writing "rolled back, monitoring" at 01:55 has said when mitigation happened.
 */
const STATUS_TIME: Partial<Record<IncidentStatus, 'detectedAt' | 'mitigatedAt' | 'resolvedAt'>> = {
  identified: 'detectedAt',
  monitoring: 'mitigatedAt',
  resolved: 'resolvedAt',
};

const errorsOf = (diagnostics: readonly Diagnostic[]) => diagnostics.filter((d) => d.severity === 'error');

/** Whether the text holds incident `id` (documents are routed by kind, so a file may hold several). */
export function holdsIncident(text: string, id: string): boolean {
  try {
    return incidentIndex(parseAllDocuments(text) as Document.Parsed[], id) >= 0;
  } catch {
    return false;
  }
}

function incidentIndex(docs: Document.Parsed[], id: string): number {
  return docs.findIndex((d) => {
    const v = d.toJS() as { kind?: unknown; metadata?: { name?: unknown } } | null;
    return v?.kind === 'Incident' && v.metadata?.name === id;
  });
}

/** A value as it sits inside a flow mapping: plain only when nothing in it could end the mapping. */
function flowScalar(value: string): string {
  if (/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(value) && !/^(true|false|null|yes|no|on|off|~)$/i.test(value)) return value;
  return JSON.stringify(value);
}

/** The entry as one flow mapping, keys in the schema's order, as the example files write them. */
export function entryText(entry: TimelineEntry): string {
  const parts = [`at: ${scalarText(entry.at)}`];
  if (entry.author) parts.push(`author: ${flowScalar(entry.author)}`);
  if (entry.kind) parts.push(`kind: ${flowScalar(entry.kind)}`);
  parts.push(`text: ${flowScalar(entry.text)}`);
  return `{${parts.join(', ')}}`;
}

function lineStart(src: string, offset: number): number {
  return src.lastIndexOf('\n', offset - 1) + 1;
}
function lineEnd(src: string, offset: number): number {
  const n = src.indexOf('\n', offset);
  return n < 0 ? src.length : n + 1;
}

function pairOf(map: YAMLMap, key: string): Pair | undefined {
  return map.items.find((p) => isScalar(p.key) && p.key.value === key) as Pair | undefined;
}

/** Inserts the entry's text at its place in time: after every entry at or before its time. */
function insertEntry(src: string, spec: YAMLMap, entry: TimelineEntry, eol: string): { text: string; position: number } | undefined {
  const pair = pairOf(spec, 'timeline');
  const seq = pair?.value;
  if (!pair || !isSeq(seq)) return undefined;
  const items = (seq as YAMLSeq).items;
  const at = parseInstant(entry.at)!;
  let position = 0;
  items.forEach((item, i) => {
    const t = isMap(item) ? parseInstant(String((item.toJSON() as { at?: unknown }).at ?? '')) : undefined;
    if (t !== undefined && t <= at) position = i + 1;
  });
  const line = entryText(entry);
  const keyStart = (pair.key as { range: [number, number, number] }).range[0];
  if (seq.flow || items.length === 0) {
    // `timeline: []` (or a flow list): rewritten as a block list, the form hand-written incidents use.
    const indent = ' '.repeat(keyStart - lineStart(src, keyStart) + 2);
    const texts = items.map((it) => src.slice((it as { range: [number, number, number] }).range[0], (it as { range: [number, number, number] }).range[1]));
    texts.splice(position, 0, line);
    const keyEnd = (pair.key as { range: [number, number, number] }).range[1];
    const [, valueEnd] = (seq as { range: [number, number, number] }).range;
    return { text: src.slice(0, keyEnd) + ':' + texts.map((t) => `${eol}${indent}- ${t}`).join('') + src.slice(valueEnd).replace(/^[ \t]*(?=\r?\n)/, ''), position };
  }
  const dashOf = (i: number) => src.lastIndexOf('-', (items[i] as { range: [number, number, number] }).range[0]);
  const dash = dashOf(0);
  const indent = src.slice(lineStart(src, dash), dash);
  const where = position === 0 ? lineStart(src, dash) : lineEnd(src, (items[position - 1] as { range: [number, number, number] }).range[1] - 1);
  const prefix = where === src.length && !src.endsWith('\n') ? eol : '';
  return { text: src.slice(0, where) + prefix + `${indent}- ${line}${eol}` + src.slice(where), position };
}

export function addTimelineEntry(input: TimelineInput): TimelineOutput {
  const before = analyzeText(input.file, input.text, input.registry, { keepValues: true });
  const broken = errorsOf(before.diagnostics);
  if (broken.length) return { ok: false, refusals: [timelineRefusal('timeline.invalid-file', `${broken.length} error(s)`)], diagnostics: broken };
  const found = before.documents.find((d) => d.kind === 'Incident' && d.name === input.incident);
  if (!found) return { ok: false, refusals: [timelineRefusal('timeline.not-found', `${input.incident} in ${input.file}`)] };
  const incident = before.values?.[found.index] as Incident;
  const eol = input.text.includes('\r\n') ? '\r\n' : '\n';

  let text = input.text;
  let status: Extract<TimelineOutput, { ok: true }>['status'];
  if (input.status && input.status !== incident.spec.status) {
    const stampKey = STATUS_TIME[input.status];
    const edits: { path: string[]; value: unknown }[] = [{ path: ['spec', 'status'], value: input.status }];
    const stamped = stampKey && !incident.spec[stampKey] ? input.entry.at : undefined;
    if (stamped) edits.push({ path: ['spec', stampKey!], value: stamped });
    text = spliceYaml(text, incidentIndex(parseAllDocuments(text), input.incident), edits, INCIDENT_KEY_ORDER);
    status = { from: incident.spec.status, to: input.status, ...(stamped ? { stamped: `${stampKey}=${stamped}` } : {}) };
  }
  if (!incident.spec.timeline) text = spliceYaml(text, incidentIndex(parseAllDocuments(text), input.incident), [{ path: ['spec', 'timeline'], value: [] }], INCIDENT_KEY_ORDER);

  const docs = parseAllDocuments(text);
  const spec = (docs[incidentIndex(docs, input.incident)]?.contents as YAMLMap | null)?.get('spec', true);
  const inserted = isMap(spec) ? insertEntry(text, spec, input.entry, eol) : undefined;
  if (!inserted) return { ok: false, refusals: [timelineRefusal('timeline.unsupported', input.file)] };

  const after = errorsOf(analyzeText(input.file, inserted.text, input.registry).diagnostics);
  if (after.length) return { ok: false, refusals: [timelineRefusal('timeline.invalid-result')], diagnostics: after };
  return { ok: true, text: inserted.text, entry: input.entry, position: inserted.position, ...(status ? { status } : {}) };
}
