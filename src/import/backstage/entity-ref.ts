import { isObj } from '../../core/shape.js';

/**
 * Backstage entity references in every spelling the catalog accepts: `team-a`,
 * `group:team-a`, `default/team-a`, `group:default/team-a`, and the object form
 * `{kind, namespace, name}`. Kind and namespace are optional and come from the context: the
 * field decides the default kind (an owner is a Group), and a reference without namespace is
 * in the namespace of the entity that wrote it, as the Backstage catalog resolves it.
 * Backstage compares references case-insensitively, so keys are lower-cased.
 */
export interface EntityRef {
  kind: string | undefined;
  namespace: string;
  name: string;
}

export interface RefContext {
  defaultKind?: string;
  defaultNamespace?: string;
}

export function parseEntityRef(ref: unknown, context: RefContext = {}): EntityRef | undefined {
  const namespaceDefault = context.defaultNamespace ?? 'default';
  if (isObj(ref)) {
    if (typeof ref.name !== 'string' || ref.name === '') return undefined;
    return {
      kind: typeof ref.kind === 'string' && ref.kind !== '' ? ref.kind : context.defaultKind,
      namespace: typeof ref.namespace === 'string' && ref.namespace !== '' ? ref.namespace : namespaceDefault,
      name: ref.name,
    };
  }
  if (typeof ref !== 'string') return undefined;
  const text = ref.trim();
  const colon = text.indexOf(':');
  const slash = text.indexOf('/');
  // A colon after the first slash belongs to the name, not to a kind prefix.
  // An empty kind (":x") is malformed, as Backstage's own parser says.
  if (colon === 0) return undefined;
  const hasKind = colon > 0 && (slash === -1 || colon < slash);
  const kind = hasKind ? text.slice(0, colon) : context.defaultKind;
  const rest = hasKind ? text.slice(colon + 1) : text;
  const cut = rest.indexOf('/');
  const namespace = cut > 0 ? rest.slice(0, cut) : namespaceDefault;
  const name = cut > 0 ? rest.slice(cut + 1) : rest;
  if (name === '' || name.includes('/') || (hasKind && kind === '')) return undefined;
  return { kind, namespace, name };
}

export function refKey(ref: { kind: string | undefined; namespace: string; name: string }): string {
  return `${(ref.kind ?? '?').toLowerCase()}:${ref.namespace.toLowerCase()}/${ref.name.toLowerCase()}`;
}

/** The canonical spelling, e.g. group:default/team-a. */
export function formatRef(ref: { kind: string | undefined; namespace: string; name: string }): string {
  return `${(ref.kind ?? '?').toLowerCase()}:${ref.namespace}/${ref.name}`;
}
