import { nonBlank, obj } from '../../core/shape.js';
import { sourceLabel, type SourceDocument } from '../parse.js';
import { Usage, type EntityOutcome } from '../report.js';
import type { Entity } from './context.js';
import { formatRef, refKey } from './entity-ref.js';

/** Backstage's own rule for metadata.name (KubernetesValidatorFunctions.isValidObjectName). */
const BACKSTAGE_NAME = /^[a-z0-9A-Z]+([-_.][a-z0-9A-Z]+)*$/;

/**
 * The entities of the input, identified by kind, namespace and name. A document that is not a
 * valid Backstage entity, or repeats one already read, is dropped whole here; every document
 * gets its outcome, in input order.
 */
export function readEnvelopes(inputs: readonly SourceDocument[]): { entities: Entity[]; byKey: Map<string, Entity>; outcomes: EntityOutcome[] } {
  const outcomes: EntityOutcome[] = [];
  const entities: Entity[] = [];
  const byKey = new Map<string, Entity>();
  for (const source of inputs) {
    const label = sourceLabel(source);
    const value = obj(source.value);
    const dropWhole = (ref: string, code: string, reason: string) => {
      const usage = new Usage();
      if (value) usage.finish(value, code, reason);
      outcomes.push({ source: label, ref, result: 'dropped', code, reason, to: [], used: [], dropped: usage.dropped, changed: [] });
    };
    if (!value || typeof value.apiVersion !== 'string' || !/^backstage\.io\//.test(value.apiVersion)) {
      dropWhole('(not a Backstage entity)', 'entity.not-backstage', 'not a Backstage entity (no backstage.io/* apiVersion)');
      continue;
    }
    const kind = nonBlank(value.kind);
    const metadata = obj(value.metadata) ?? {};
    const name = nonBlank(metadata.name);
    const namespace = nonBlank(metadata.namespace) ?? 'default';
    if (!kind || !name) {
      dropWhole(`${kind ?? '?'}:${namespace}/${name ?? '?'}`, 'entity.invalid', 'an entity needs a kind and metadata.name');
      continue;
    }
    const ref = formatRef({ kind, namespace, name });
    if (!BACKSTAGE_NAME.test(name) || name.length > 63) {
      dropWhole(ref, 'entity.invalid', `"${name}" is not a valid Backstage name (the Backstage catalog itself rejects this entity)`);
      continue;
    }
    const key = refKey({ kind, namespace, name });
    if (byKey.has(key)) {
      dropWhole(ref, 'entity.duplicate', `${ref} is defined again; the first definition (${byKey.get(key)!.label}) is kept`);
      continue;
    }
    const usage = new Usage();
    // The envelope identifies the entity; it is carried as the name and the provenance annotation.
    usage.use('/apiVersion', '/kind', '/metadata/name', '/metadata/namespace');
    const outcome: EntityOutcome = { source: label, ref, result: 'mapped', to: [], used: [], dropped: [], changed: [] };
    const entity: Entity = { source, label, value, kind, k: kind.toLowerCase(), namespace, name, key, ref, metadata, spec: obj(value.spec) ?? {}, usage, outcome };
    entities.push(entity);
    byKey.set(key, entity);
    outcomes.push(outcome);
  }
  return { entities, byKey, outcomes };
}
