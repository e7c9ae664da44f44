import { API_VERSION, EXPOSURES, type Exposure, type Lifecycle, type Tier } from '../../core/model.js';
import { list, nonBlank, obj, type Obj } from '../../core/shape.js';
import { CARRY, continuityAnnotation, CONTINUITY_KEYS, decodeOwners } from './carry.js';
import type { Context } from './context.js';
import { addLabels, commonMetadata, header, orderMetadata, URL_LIKE } from './metadata.js';
import { toDnsLabel } from './names.js';
import { teamOwner } from './owner.js';

/**
 * Components (not libraries) to Service documents, all but their dependencies, which need every
 * service's name first. Backstage has no tier and no exposure; those get cautious defaults and
 * are listed for review.
 */
export function describeServices(ctx: Context): void {
  const { targets, review, dangling, serviceDocs, resolve } = ctx;
  for (const c of ctx.ofKind('component')) {
    const t = targets.get(c.key);
    const type = nonBlank(c.spec.type)?.toLowerCase();
    if (!t) {
      c.outcome.result = 'dropped';
      c.outcome.code = 'entity.library';
      c.outcome.reason = 'a library is code that services are built from, not something that is operated; dependencies on it are dropped too';
      c.usage.finish(c.value, 'entity.library', c.outcome.reason);
      continue;
    }
    c.usage.use('/spec/type');
    const { metadata, links } = commonMetadata(c, t);
    if (type) addLabels(metadata, { 'component-type': toDnsLabel(type) }, true);
    const notes: Record<string, string> = {};
    const reviewed: string[] = [];
    // owner
    const { owner, note } = teamOwner(ctx, c, t.typed);
    if (note !== undefined) {
      if (note) notes['/spec/owner'] = note;
      reviewed.push('owner');
    }
    // tier and exposure: Backstage has neither; an opsledger export carries them in its
    // annotations, and a label may carry them too.
    const ann = (obj(c.metadata.annotations) ?? {}) as Record<string, unknown>;
    const carried = (k: string) => (typeof ann[k] === 'string' ? (ann[k] as string) : undefined);
    const labels = (obj(metadata.labels) ?? {}) as Record<string, string>;
    const tierLabel = /^(?:tier-?)?([1-4])$/i.exec(carried(CARRY.tier) ?? labels.tier ?? '');
    let tier: Tier = 2;
    if (tierLabel) tier = Number(tierLabel[1]) as Tier;
    else {
      // Tier 2 rather than a middling 3: an unreviewed import should overstate risk, not hide it.
      review.push({ target: t.typed, pointer: '/spec/tier', value: tier, code: 'review.tier-default', reason: 'Backstage has no tier; 2 (important) is a cautious default', source: c.label });
      notes['/spec/tier'] = 'REVIEW: Backstage has no tier; cautious default';
      reviewed.push('tier');
    }
    let exposure: Exposure = type === 'website' ? 'external' : 'company';
    const exposureWritten = carried(CARRY.exposure) ?? labels.exposure;
    if (exposureWritten && (EXPOSURES as readonly string[]).includes(exposureWritten)) exposure = exposureWritten as Exposure;
    else {
      review.push({ target: t.typed, pointer: '/spec/exposure', value: exposure, code: 'review.exposure-default', reason: `Backstage has no exposure; ${exposure} is the default for a component of type ${type ?? '(none)'}`, source: c.label });
      notes['/spec/exposure'] = `REVIEW: Backstage has no exposure; default for type ${type ?? '(none)'}`;
      reviewed.push('exposure');
    }
    // lifecycle
    const lc = nonBlank(c.spec.lifecycle)?.toLowerCase();
    let lifecycle: Lifecycle = 'production';
    if (lc === 'production' || lc === 'experimental' || lc === 'deprecated') {
      lifecycle = lc;
      c.usage.use('/spec/lifecycle');
    } else {
      lifecycle = lc === undefined ? 'production' : 'experimental';
      review.push({ target: t.typed, pointer: '/spec/lifecycle', value: lifecycle, code: 'review.lifecycle', reason: lc === undefined ? 'the component has no lifecycle' : `lifecycle "${lc}" is not one of experimental, production, deprecated`, source: c.label });
      notes['/spec/lifecycle'] = 'REVIEW: lifecycle was not one opsledger knows';
      reviewed.push('lifecycle');
      if (lc !== undefined) c.usage.change('/spec/lifecycle', 'lifecycle.changed', `"${lc}" is written as ${lifecycle}`);
      c.usage.use('/spec/lifecycle');
    }
    // the system it is part of and the APIs it provides and consumes, by their opsledger names
    const grouping: Obj = {};
    if (c.spec.system !== undefined) {
      const s = ctx.targetOf(c.spec.system, c, 'system', 'system');
      if (s) {
        grouping.system = s.name;
        if (s.dangling) dangling.push({ target: t.typed, pointer: '/spec/system', ref: s.typed, written: String(c.spec.system), source: c.label });
        c.usage.use('/spec/system');
      }
    }
    for (const field of ['providesApis', 'consumesApis'] as const) {
      const names: string[] = [];
      list(c.spec[field]).forEach((a, i) => {
        const r = ctx.targetOf(a, c, 'api', 'api');
        if (!r) return;
        if (!names.includes(r.name)) names.push(r.name);
        if (r.dangling) dangling.push({ target: t.typed, pointer: `/spec/${field}`, ref: r.typed, written: String(a), source: c.label });
        c.usage.use(`/spec/${field}/${i}`);
      });
      if (names.length) grouping[field] = names;
    }
    if (c.spec.subcomponentOf !== undefined) {
      const r = resolve(c.spec.subcomponentOf, c, 'component');
      if (r) {
        addLabels(metadata, { 'part-of': toDnsLabel(targets.get(r.key)?.name ?? r.ref.name) }, true);
        c.usage.use('/spec/subcomponentOf');
      }
    }
    const spec: Obj = { owner, tier, exposure, lifecycle, ...grouping };
    const owners = decodeOwners(carried(CARRY.owners));
    if (owners?.length) spec.owners = owners;
    serviceDocs.set(c.key, { e: c, t, metadata, spec, notes, reviewed });
    for (const k of ['runbooks', 'playbooks', 'dashboards'] as const) if (links[k].length) spec[k] = links[k];
    if (links.links.length) metadata.links = links.links;
    const continuity: Record<string, string> = {};
    for (const k of CONTINUITY_KEYS) {
      const v = carried(continuityAnnotation(k));
      if (v !== undefined) continuity[k] = v;
    }
    if (Object.keys(continuity).length) spec.continuity = continuity;
    const repository = carried(CARRY.repository) ?? repositoryOf(ann);
    if (repository) spec.repository = repository;
  }
}

/** The repository the usual Backstage annotations name; the exporter asks the same question. */
export function repositoryOf(ann: Record<string, unknown>): string | undefined {
  const slug = nonBlank(ann['github.com/project-slug']);
  const sourceLocation = nonBlank(ann['backstage.io/source-location'])?.replace(/^url:/, '');
  if (slug && /^[\w.-]+\/[\w.-]+$/.test(slug)) return `https://github.com/${slug}`;
  if (sourceLocation && URL_LIKE.test(sourceLocation)) return sourceLocation.replace(/\/(tree|blob)\/.*$/, '').replace(/\/$/, '');
  return undefined;
}

/** The Service files, once linkDependencies has filled in what each depends on. */
export function writeServices(ctx: Context): void {
  for (const { e, t, metadata, spec: base, notes, reviewed } of ctx.serviceDocs.values()) {
    const deps = ctx.dependsOn.get(e.key);
    // dependsOn right after lifecycle, before the link lists, where people look for it.
    const { owner, tier, exposure, lifecycle, ...rest } = base;
    const spec: Obj = { owner, tier, exposure, lifecycle, ...(deps?.length ? { dependsOn: deps } : {}), ...rest };
    ctx.files.push({
      path: `services/${t.name}/service.yaml`,
      source: e.label,
      apiVersion: API_VERSION,
      kind: 'Service',
      name: t.name,
      doc: { value: { apiVersion: API_VERSION, kind: 'Service', metadata: orderMetadata(metadata), spec }, comment: header(e, reviewed), notes },
    });
    e.outcome.to.push(t.typed);
  }
}
