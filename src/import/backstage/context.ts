import type { Obj } from '../../core/shape.js';
import type { YamlDoc } from '../../core/yaml-write.js';
import type { SourceDocument } from '../parse.js';
import type { DanglingRef, EntityOutcome, ReviewItem, Usage } from '../report.js';
import { parseEntityRef, refKey, type EntityRef } from './entity-ref.js';
import { toDnsLabel } from './names.js';

/** One Backstage entity that passed the envelope checks, with what became of its fields so far. */
export interface Entity {
  source: SourceDocument;
  label: string;
  value: Obj;
  kind: string;
  /** Lower-case kind. */
  k: string;
  namespace: string;
  name: string;
  key: string;
  ref: string;
  metadata: Obj;
  spec: Obj;
  usage: Usage;
  outcome: EntityOutcome;
}

/** What an entity is called in opsledger. */
export interface Target {
  entity: Entity;
  /** service:x, ci:x, team:x, system:x, domain:x or api:x */
  typed: string;
  name: string;
}

export interface ImportedFile {
  /** Path relative to the organisation root. */
  path: string;
  /** The input document it came from (sourceLabel). */
  source: string;
  apiVersion: string;
  kind: 'Service' | 'ConfigurationItem' | 'Team' | 'System' | 'Domain' | 'API';
  name: string;
  doc: YamlDoc;
}

export type Space = 'service' | 'ci' | 'team' | 'system' | 'domain' | 'api';

export interface Resolved {
  ref: EntityRef;
  key: string;
  entity?: Entity;
}

/** A service document before its dependencies are known; they are written in last. */
export interface ServiceDoc {
  e: Entity;
  t: Target;
  metadata: Obj;
  spec: Obj;
  notes: Record<string, string>;
  reviewed: string[];
}

/**
 * The state the stages share. Each stage fills some of it and reads what earlier stages filled,
 * so mapBackstage's order of stages is part of the output: review and loss lists come out in
 * the order they were found.
 */
export interface Context {
  entities: Entity[];
  byKey: Map<string, Entity>;
  outcomes: EntityOutcome[];
  review: ReviewItem[];
  dangling: DanglingRef[];
  files: ImportedFile[];
  targets: Map<string, Target>;
  /** Keys of the components of type library, which are not operated and get no name. */
  libraries: Set<string>;
  /** user key -> GitHub login */
  logins: Map<string, string>;
  /** group key -> logins */
  memberships: Map<string, string[]>;
  /** user key -> group keys */
  userGroups: Map<string, string[]>;
  /** user key -> typed teams of groups the input does not define (dangling until created) */
  pendingTeams: Map<string, string[]>;
  /** service key -> typed refs */
  dependsOn: Map<string, string[]>;
  /** ci key -> relations */
  relations: Map<string, { type: 'dependsOn'; target: string }[]>;
  serviceDocs: Map<string, ServiceDoc>;
  ofKind(k: string): Entity[];
  resolve(written: unknown, from: Entity, defaultKind?: string): Resolved | undefined;
  /** The typed name a reference points at in the output, or a dangling one the input left open. */
  targetOf(written: unknown, from: Entity, defaultKind: string | undefined, space: Space): { name: string; typed: string; dangling: boolean } | undefined;
}

export function createContext(entities: Entity[], byKey: Map<string, Entity>, outcomes: EntityOutcome[]): Context {
  const targets = new Map<string, Target>();
  const resolve = (written: unknown, from: Entity, defaultKind?: string): Resolved | undefined => {
    const ref = parseEntityRef(written, { ...(defaultKind ? { defaultKind } : {}), defaultNamespace: from.namespace });
    if (!ref) return undefined;
    if (!ref.kind) {
      // dependsOn entries should name their kind; when one does not, look the name up among
      // the kinds a dependency can be.
      for (const k of ['component', 'resource']) {
        const key = refKey({ ...ref, kind: k });
        const hit = byKey.get(key);
        if (hit) return { ref: { ...ref, kind: k }, key, entity: hit };
      }
      return { ref, key: refKey(ref) };
    }
    const key = refKey(ref);
    const hit = byKey.get(key);
    return hit ? { ref, key, entity: hit } : { ref, key };
  };
  const targetOf = (written: unknown, from: Entity, defaultKind: string | undefined, space: Space): { name: string; typed: string; dangling: boolean } | undefined => {
    const r = resolve(written, from, defaultKind);
    if (!r) return undefined;
    const t = targets.get(r.key);
    if (t) return { name: t.name, typed: t.typed, dangling: false };
    const name = toDnsLabel(r.ref.namespace.toLowerCase() === 'default' ? r.ref.name : `${r.ref.namespace}-${r.ref.name}`);
    return { name, typed: `${space}:${name}`, dangling: true };
  };
  return {
    entities,
    byKey,
    outcomes,
    review: [],
    dangling: [],
    files: [],
    targets,
    libraries: new Set(),
    logins: new Map(),
    memberships: new Map(),
    userGroups: new Map(),
    pendingTeams: new Map(),
    dependsOn: new Map(),
    relations: new Map(),
    serviceDocs: new Map(),
    ofKind: (k) => entities.filter((e) => e.k === k),
    resolve,
    targetOf,
  };
}
