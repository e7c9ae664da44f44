import type { DocRecord } from '../facts.js';
import { namespacesOf, providedBy } from './references.js';

/**
 * What one document gives the cross-document rules and what their check of it reads from the
 * others, as keys. A run that checks again only what an edit can reach (incremental-cross.ts)
 * marks every key the edited documents wrote, before and after, as changed, and checks again
 * every document that reads one: so a key must name everything a rule of one document looks up
 * in the rest of the organisation.
 *
 * - `n\0<namespace>\0<name>`: a name defined (written) or looked up (read): whether it exists,
 *   which document defines it first, and that document's facts (a template's coverage, a
 *   service's lifecycle, a change's start, a configuration item's class).
 * - `p\0<api>`: an API some service provides (read by its consumers).
 * - `policy`, `zone`: the Policy and the calendars (read by nearly every rule: an edit of one
 *   checks everything again).
 * - `g\0...`: a document's dependency edges, in full (the cycle rule reads the whole graph: an
 *   edit that changes an edge checks everything again).
 */
export interface DocKeys {
  writes: string[];
  reads: string[];
}

export const POLICY_KEY = 'policy';
export const ZONE_KEY = 'zone';
export const nameKey = (namespace: string, name: string) => `n\0${namespace}\0${name}`;
export const providedKey = (api: string) => `p\0${api}`;
export const isNameKey = (key: string) => key.startsWith('n\0');
export const isGraphKey = (key: string) => key.startsWith('g\0');

/** The namespace and name of a name key. */
export function splitNameKey(key: string): { namespace: string; name: string } {
  const at = key.indexOf('\0', 2);
  return { namespace: key.slice(2, at), name: key.slice(at + 1) };
}

/**
 * `shorten`: how a long key is kept (a graph key holds every edge of a document); a table
 * stores a digest in its place, and compares keys made the same way.
 */
export function recordKeys(file: string, record: DocRecord, shorten: (key: string) => string = (k) => k): DocKeys {
  const writes: string[] = [];
  const reads: string[] = [];
  if (record.name) writes.push(nameKey(record.namespace, record.name));
  const facts = record.facts;
  if (facts.kind === 'Policy') writes.push(POLICY_KEY);
  if (facts.kind === 'ChangeCalendar') writes.push(ZONE_KEY);
  for (const api of providedBy(record)) writes.push(providedKey(api));
  let edges = '';
  for (const ref of record.refs) {
    for (const ns of namespacesOf(ref.kind)) reads.push(nameKey(ns, ref.name));
    if (ref.kind === 'api' && ref.pointer.startsWith('/spec/consumesApis/')) reads.push(providedKey(ref.name));
    if (ref.dependency && (facts.kind === 'Service' || facts.kind === 'ConfigurationItem')) edges += `\0${ref.kind}\0${ref.name}\0${ref.pointer}`;
  }
  if (edges) writes.push(`g\0${shorten(`${file}\0${record.index}\0${facts.kind}\0${record.name}${edges}`)}`);
  // What the rules look up through the facts rather than a reference (the same names, written as facts).
  if (facts.kind === 'ChangeRequest') {
    if (facts.template) reads.push(nameKey('StandardChange', facts.template));
    for (const ci of facts.cis) reads.push(nameKey('ConfigurationItem', ci));
  }
  if (facts.kind === 'Incident') for (const id of facts.causedBy) reads.push(nameKey('ChangeRequest', id));
  return { writes, reads };
}
