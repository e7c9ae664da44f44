import type { SourceDocument } from '../parse.js';
import type { ImportReport } from '../report.js';
import { describeServices, writeServices } from './component.js';
import { createContext, type ImportedFile } from './context.js';
import { linkDependencies } from './dependencies.js';
import { readEnvelopes } from './envelopes.js';
import { reportUsers, resolveMemberships } from './membership.js';
import { assignNames } from './names.js';
import { CARRY, CONSUMED, splitList } from './carry.js';
import { obj } from '../../core/shape.js';
import { emptyOrganisation } from '../../core/organisation.js';
import { exportBackstage } from '../../export/backstage.js';
import { residueOf } from './residue.js';
import { finishOutcomes, uniqueDangling } from './outcomes.js';
import { writeConfigurationItems } from './resource.js';
import { writeApis, writeDomains, writeSystems } from './system-domain.js';
import { writeTeams } from './team.js';

export type { ImportedFile } from './context.js';
export { toDnsLabel } from './names.js';

/**
 * Backstage catalog entities to opsledger documents. Pure: the caller reads the files and
 * writes the result.
 *
 * - Component (not library) -> Service; Resource -> ConfigurationItem; Group -> Team.
 * - User -> a member (GitHub login) of the teams of its groups (Group spec.members and User
 *   spec.memberOf both count).
 * - System -> System, Domain -> Domain, API -> API; a component's spec.system, providesApis and
 *   consumesApis name them. A resource's system is its label `system`.
 * - Links go to runbooks, playbooks or dashboards when their title, icon or type says so.
 * Backstage has no tier and no exposure; those get cautious defaults and are listed for review.
 */
export interface BackstageImport {
  files: ImportedFile[];
  report: Omit<ImportReport, 'problems' | 'files'>;
}

export function mapBackstage(inputs: readonly SourceDocument[]): BackstageImport {
  const { entities, byKey, outcomes } = readEnvelopes(inputs);
  const ctx = createContext(entities, byKey, outcomes);
  // Each stage reads what the ones before it found, and the review and loss lists keep the
  // order things were found in, so this order is part of the output.
  assignNames(ctx);
  resolveMemberships(ctx);
  // Components first, so resource dependencyOf edges can land on them.
  describeServices(ctx);
  linkDependencies(ctx);
  writeServices(ctx);
  writeConfigurationItems(ctx);
  writeTeams(ctx);
  writeSystems(ctx);
  writeDomains(ctx);
  writeApis(ctx);
  reportUsers(ctx);
  finishOutcomes(ctx);
  applyUnset(ctx);
  recordResidue(ctx);
  const files = ctx.files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { files, report: { from: 'backstage', entities: outcomes, review: ctx.review, dangling: uniqueDangling(ctx.dangling) } };
}

/**
 * What an opsledger export said the document leaves unset goes again, though the Backstage
 * fields written for Backstage's sake gave it a value (a component's type label, a resource's
 * owner taken from its service).
 */
function applyUnset(ctx: ReturnType<typeof createContext>): void {
  const byLabel = new Map(ctx.entities.map((e) => [e.label, e]));
  for (const f of ctx.files) {
    const e = byLabel.get(f.source);
    const written = e ? obj(e.metadata.annotations)?.[CARRY.unset] : undefined;
    if (typeof written !== 'string') continue;
    for (const pointer of splitList(written)) {
      const path = pointer.split('/').slice(1).map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
      let at = obj(f.doc.value);
      for (const k of path.slice(0, -1)) at = obj(at?.[k]);
      if (!at || path.length === 0) continue;
      delete at[path[path.length - 1]!];
      if (path.length > 1 && Object.keys(at).length === 0) {
        // An emptied map (labels with nothing left) goes too, as it would never have been written.
        const parent = path.slice(0, -1).reduce<Record<string, unknown> | undefined>((o, k, i, all) => (i === all.length - 1 ? o : obj(o?.[k])), obj(f.doc.value));
        if (parent) delete parent[path[path.length - 2]!];
      }
      if (f.doc.notes) delete f.doc.notes[pointer];
    }
  }
}

const OWN = new Set([...CONSUMED].map((k) => `/metadata/annotations/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`));
const BACKSTAGE_KIND: Record<string, string> = { Service: 'Component', ConfigurationItem: 'Resource', Team: 'Group', System: 'System', Domain: 'Domain', API: 'API' };
const BUCKET = { Service: 'services', ConfigurationItem: 'cis', Team: 'teams', System: 'systems', Domain: 'domains', API: 'apis' } as const;

/**
 * Each written document carries what an export of it would not give back as the input had it
 * (opsledger.dev/backstage-fields), so import then export loses nothing: the export of the
 * result is computed here, once, and compared with every input entity.
 */
function recordResidue(ctx: ReturnType<typeof createContext>): void {
  const org = emptyOrganisation();
  for (const f of ctx.files) {
    const map = org[BUCKET[f.kind]] as Map<string, { doc: unknown; file: string; index: number }>;
    map.set(f.name, { doc: structuredClone(f.doc.value), file: f.path, index: 0 });
  }
  const generated = new Map<string, Record<string, unknown>>();
  for (const file of exportBackstage(org).files) {
    for (const d of file.docs) {
      const v = obj(d.value);
      const name = obj(v?.metadata)?.name;
      if (v && typeof v.kind === 'string' && typeof name === 'string') generated.set(`${v.kind}/${name}`, structuredClone(v));
    }
  }
  const byLabel = new Map(ctx.entities.map((e) => [e.label, e]));
  for (const f of ctx.files) {
    const e = byLabel.get(f.source);
    const gen = generated.get(`${BACKSTAGE_KIND[f.kind]}/${f.name}`);
    if (!e || !gen || e.k !== BACKSTAGE_KIND[f.kind]!.toLowerCase()) continue;
    // Our own annotations are read into fields and written again from them; their spelling is ours.
    // Where the input has them too: an export adds them where the input had none, which must go.
    const own = new Set(Object.keys(obj(e.metadata.annotations) ?? {}).map((k) => `/metadata/annotations/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`));
    const residue = residueOf(e.value, gen, '', (p) => OWN.has(p) && own.has(p));
    if (!residue.length) continue;
    const metadata = obj(obj(f.doc.value)?.metadata);
    if (!metadata) continue;
    metadata.annotations = { ...(obj(metadata.annotations) ?? {}), [CARRY.fields]: JSON.stringify(residue) };
    // What the annotation keeps is no longer lost.
    const kept = residue.filter((r) => r.o !== undefined).map((r) => r.p);
    const isKept = (p: string) => kept.some((k) => p === k || p.startsWith(`${k}/`));
    const carried = e.usage.dropped.filter((d) => isKept(d.pointer));
    if (carried.length) {
      e.outcome.dropped = e.outcome.dropped.filter((d) => !isKept(d.pointer));
      e.outcome.carried = [...(e.outcome.carried ?? []), ...carried.map((d) => d.pointer)];
    }
  }
}
