import { API_TYPES, API_VERSION, type Lifecycle } from '../../core/model.js';
import { nonBlank, obj, type Obj } from '../../core/shape.js';
import type { Context, Entity, Target } from './context.js';
import { CARRY, NO_DEFINITION } from './carry.js';
import { commonMetadata, header, orderMetadata } from './metadata.js';
import { teamOwner } from './owner.js';

/**
 * Systems, domains and APIs become documents of their own kinds, owned by teams like services.
 * Their links all go to metadata.links: only services keep runbooks, playbooks and dashboards.
 */
function grouped(ctx: Context, e: Entity, t: Target): { metadata: Obj; owner: string; notes: Record<string, string>; reviewed: string[] } {
  const { metadata, links } = commonMetadata(e, t);
  const all = [...links.links, ...links.runbooks, ...links.playbooks, ...links.dashboards, ...(links.oncall ? [links.oncall] : [])];
  if (all.length) metadata.links = all;
  const notes: Record<string, string> = {};
  const reviewed: string[] = [];
  const { owner, note } = teamOwner(ctx, e, t.typed);
  if (note !== undefined) {
    if (note) notes['/spec/owner'] = note;
    reviewed.push('owner');
  }
  return { metadata, owner, notes, reviewed };
}

function write(ctx: Context, e: Entity, t: Target, kind: 'System' | 'Domain' | 'API', path: string, parts: ReturnType<typeof grouped>, spec: Obj): void {
  ctx.files.push({
    path,
    source: e.label,
    apiVersion: API_VERSION,
    kind,
    name: t.name,
    doc: { value: { apiVersion: API_VERSION, kind, metadata: orderMetadata(parts.metadata), spec }, comment: header(e, parts.reviewed), notes: parts.notes },
  });
  e.outcome.result = 'mapped';
  e.outcome.to.push(t.typed);
}

/** A reference to another grouping entity, by its opsledger name; one the input lacks dangles. */
function named(ctx: Context, e: Entity, t: Target, field: 'system' | 'domain'): string | undefined {
  if (e.spec[field] === undefined) return undefined;
  const r = ctx.targetOf(e.spec[field], e, field, field);
  if (!r) return undefined;
  if (r.dangling) ctx.dangling.push({ target: t.typed, pointer: `/spec/${field}`, ref: r.typed, written: String(e.spec[field]), source: e.label });
  e.usage.use(`/spec/${field}`);
  return r.name;
}

export function writeDomains(ctx: Context): void {
  for (const d of ctx.ofKind('domain')) {
    const t = ctx.targets.get(d.key)!;
    const parts = grouped(ctx, d, t);
    // A domain inside a domain (spec.subdomainOf) has no place: opsledger's grouping is one level deep.
    write(ctx, d, t, 'Domain', `systems/domains/${t.name}.yaml`, parts, { owner: parts.owner });
  }
}

export function writeSystems(ctx: Context): void {
  for (const s of ctx.ofKind('system')) {
    const t = ctx.targets.get(s.key)!;
    if (typeof obj(s.metadata.annotations)?.[CARRY.generatedFrom] === 'string') {
      // Made up by an opsledger export for a name no System document defined: the name is all there is.
      s.outcome.result = 'merged';
      s.outcome.to.push(t.typed);
      s.usage.finish(s.value, 'system.generated', 'an opsledger export wrote this system only so that Backstage resolves the name its services and CIs give');
      continue;
    }
    const parts = grouped(ctx, s, t);
    const domain = named(ctx, s, t, 'domain');
    write(ctx, s, t, 'System', `systems/${t.name}.yaml`, parts, { owner: parts.owner, ...(domain ? { domain } : {}) });
  }
}

const URL_TEXT = /^https?:\/\/\S+$/;

/**
 * APIs: the definition stays where it is maintained. A definition written as a placeholder that
 * points at a URL (`$text: https://...`) becomes the definition link; a definition written out
 * in full is not kept as a field (the round trip still carries it).
 */
export function writeApis(ctx: Context): void {
  for (const a of ctx.ofKind('api')) {
    const t = ctx.targets.get(a.key)!;
    const parts = grouped(ctx, a, t);
    const written = nonBlank(a.spec.type)?.toLowerCase();
    const type = written && (API_TYPES as readonly string[]).includes(written) ? written : 'other';
    a.usage.use('/spec/type');
    if (written !== type) a.usage.change('/spec/type', 'api.type-other', `"${String(a.spec.type)}" is not one of ${API_TYPES.join(', ')}: written as other`);
    const lc = nonBlank(a.spec.lifecycle)?.toLowerCase();
    let lifecycle: Lifecycle = 'production';
    if (lc === 'production' || lc === 'experimental' || lc === 'deprecated') lifecycle = lc;
    else {
      lifecycle = lc === undefined ? 'production' : 'experimental';
      ctx.review.push({ target: t.typed, pointer: '/spec/lifecycle', value: lifecycle, code: 'review.lifecycle', reason: lc === undefined ? 'the API has no lifecycle' : `lifecycle "${lc}" is not one of experimental, production, deprecated`, source: a.label });
      parts.notes['/spec/lifecycle'] = 'REVIEW: lifecycle was not one opsledger knows';
      parts.reviewed.push('lifecycle');
      if (lc !== undefined) a.usage.change('/spec/lifecycle', 'lifecycle.changed', `"${lc}" is written as ${lifecycle}`);
    }
    a.usage.use('/spec/lifecycle');
    const system = named(ctx, a, t, 'system');
    const placeholder = obj(a.spec.definition);
    const link = placeholder ? Object.entries(placeholder).find(([k, v]) => /^\$(text|openapi|asyncapi|json|yaml)$/.test(k) && typeof v === 'string' && URL_TEXT.test(v))?.[1] : undefined;
    if ((typeof link === 'string' && Object.keys(placeholder!).length === 1) || a.spec.definition === NO_DEFINITION) a.usage.use('/spec/definition');
    else if (a.spec.definition !== undefined) a.usage.drop('/spec/definition', 'api.definition', 'opsledger links to an API definition and does not keep its text; spec.definition links to where it is maintained');
    write(ctx, a, t, 'API', `apis/${t.name}.yaml`, parts, {
      type,
      owner: parts.owner,
      lifecycle,
      ...(system ? { system } : {}),
      ...(typeof link === 'string' && Object.keys(placeholder!).length === 1 ? { definition: link } : {}),
    });
  }
}

/** A resource's system: kept as the label `system` (configuration items are not grouped by kind). */
export function labelsForSystem(ctx: Context, written: unknown, from: Entity): Record<string, string> | undefined {
  const r = ctx.targetOf(written, from, 'system', 'system');
  return r ? { system: r.name } : undefined;
}
