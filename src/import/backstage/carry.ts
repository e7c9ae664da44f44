import type { Link } from '../../core/model.js';

/**
 * The opsledger.dev/* annotations that carry through Backstage what Backstage has no field for,
 * read by the importer and written by the exporter: one home, so the two directions cannot
 * drift apart. Values are strings (Backstage annotations hold nothing else); structured values
 * are JSON.
 */
export const CARRY = {
  tier: 'opsledger.dev/tier',
  exposure: 'opsledger.dev/exposure',
  owners: 'opsledger.dev/owners',
  repository: 'opsledger.dev/repository',
  service: 'opsledger.dev/service',
  environment: 'opsledger.dev/environment',
  relations: 'opsledger.dev/relations',
  attributes: 'opsledger.dev/attributes',
  slack: 'opsledger.dev/slack',
  chat: 'opsledger.dev/chat',
  pager: 'opsledger.dev/pager',
  escalation: 'opsledger.dev/escalation',
  /** Which opsledger list each Backstage link came from (and its own type), index for index. */
  links: 'opsledger.dev/links',
  /** Labels Backstage refuses (key or value), as JSON. */
  labels: 'opsledger.dev/labels',
  /**
   * Pointers the opsledger document leaves unset although the Backstage fields written for
   * Backstage's sake would give them a value on import (a component's type, a resource's owner
   * taken from its service).
   */
  unset: 'opsledger.dev/unset',
  /** Backstage annotations the exporter derived from opsledger fields (not the document's own). */
  generated: 'opsledger.dev/generated',
  /** Where an imported document came from, when its Backstage name is not its opsledger name. */
  ref: 'opsledger.dev/backstage-ref',
  /** Backstage tags, which opsledger has no field for. */
  tags: 'opsledger.dev/backstage-tags',
  /** On a System the export made up for a name that no System document defines (a CI's label). */
  generatedFrom: 'opsledger.dev/generated-from',
  /** Backstage fields opsledger has no field for, as JSON pointer -> value. */
  fields: 'opsledger.dev/backstage-fields',
} as const;

/** What an exported API without a definition link says in Backstage, which requires a definition. */
export const NO_DEFINITION = 'opsledger keeps no definition for this API; see its links.';

/** Continuity facts, one annotation each: opsledger.dev/rto, rpo, redundancy, dr-tested-at. */
export const CONTINUITY_KEYS = ['rto', 'rpo', 'redundancy', 'drTestedAt'] as const;
export const continuityAnnotation = (k: string) => `opsledger.dev/${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

/** Annotation keys the importer consumes into fields, rather than keeping them as annotations. */
export const CONSUMED: ReadonlySet<string> = new Set([...Object.values(CARRY).filter((k) => k !== CARRY.tags && k !== CARRY.ref && k !== CARRY.fields), ...CONTINUITY_KEYS.map(continuityAnnotation)]);

export type LinkList = 'runbooks' | 'playbooks' | 'dashboards' | 'links' | 'oncall';
export interface LinkOrigin {
  list: LinkList;
  type?: string;
}

export function encodeLinkOrigins(origins: readonly LinkOrigin[]): string {
  return JSON.stringify(origins.map((o) => (o.type === undefined ? [o.list] : [o.list, o.type])));
}

export function decodeLinkOrigins(text: string | undefined): LinkOrigin[] | undefined {
  const v = parseJson(text);
  if (!Array.isArray(v)) return undefined;
  const out: LinkOrigin[] = [];
  for (const x of v) {
    if (!Array.isArray(x) || typeof x[0] !== 'string' || !['runbooks', 'playbooks', 'dashboards', 'links', 'oncall'].includes(x[0])) return undefined;
    out.push({ list: x[0] as LinkList, ...(typeof x[1] === 'string' ? { type: x[1] } : {}) });
  }
  return out;
}

/** Owners as JSON; an older export wrote `team:role,team:role`, which still reads. */
export function decodeOwners(text: string | undefined): { team: string; role: string }[] | undefined {
  if (text === undefined) return undefined;
  const v = parseJson(text);
  if (Array.isArray(v)) {
    const ok = v.every((o) => o && typeof o === 'object' && typeof o.team === 'string' && typeof o.role === 'string');
    return ok ? (v as { team: string; role: string }[]).map((o) => ({ team: o.team, role: o.role })) : undefined;
  }
  const pairs = text.split(',').map((p) => p.split(':'));
  return pairs.every((p) => p.length === 2 && p[0] && p[1]) ? pairs.map(([team, role]) => ({ team: team!, role: role! })) : undefined;
}

export function parseJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export function splitList(text: string | undefined): string[] {
  return text === undefined || text === '' ? [] : text.split(',');
}

/** A link as the importer writes it into an opsledger list. */
export function linkOf(l: { url: string; title: string }, type: string | undefined): Link {
  return { title: l.title, url: l.url, ...(type !== undefined ? { type } : {}) };
}

/** A CI's relations as an export carried them: every type, including those Backstage has no edge for. */
export function carriedRelations<T extends string>(text: string | undefined, types: readonly T[]): { type: T; target: string }[] | undefined {
  const v = parseJson(text);
  if (!Array.isArray(v)) return undefined;
  const ok = v.every((r) => r && typeof r === 'object' && (types as readonly unknown[]).includes(r.type) && typeof r.target === 'string');
  return ok ? (v as { type: T; target: string }[]).map((r) => ({ type: r.type, target: r.target })) : undefined;
}
