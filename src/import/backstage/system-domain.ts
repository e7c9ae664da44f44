import { obj } from '../../core/shape.js';
import type { Context, Entity } from './context.js';
import { toDnsLabel } from './names.js';

/** Systems and domains have no document of their own: they become labels on what is in them. */
export function labelSystems(ctx: Context): void {
  for (const s of ctx.ofKind('system')) {
    const labels: Record<string, string> = { system: toDnsLabel(s.name) };
    const d = ctx.resolve(s.spec.domain, s, 'domain');
    if (d) {
      labels.domain = toDnsLabel(d.ref.name);
      s.usage.use('/spec/domain');
    }
    ctx.systemLabels.set(s.key, labels);
  }
}

/** The labels for membership of a system; a system not in the input still names one. */
export function labelsForSystem(ctx: Context, written: unknown, from: Entity): Record<string, string> | undefined {
  const r = ctx.resolve(written, from, 'system');
  if (!r) return undefined;
  return ctx.systemLabels.get(r.key) ?? { system: toDnsLabel(r.ref.name) };
}

/** A system merges into the services and CIs that carry its label; one without any is dropped. */
export function reportSystems(ctx: Context): void {
  const { systemLabels, systemMembers, serviceDocs, files } = ctx;
  for (const s of ctx.ofKind('system')) {
    const labels = systemLabels.get(s.key)!;
    const members = [...serviceDocs.values()].filter((x) => obj(x.metadata.labels)?.system === labels.system).map((x) => x.t.typed);
    members.push(...files.filter((f) => f.kind === 'ConfigurationItem' && obj(obj(obj(f.doc.value)?.metadata)?.labels)?.system === labels.system).map((f) => `ci:${f.name}`));
    systemMembers.set(s.key, members);
    if (members.length === 0) {
      s.outcome.result = 'dropped';
      s.outcome.code = 'entity.empty';
      s.outcome.reason = 'no imported service or CI is part of this system, so its label lands nowhere';
      s.usage.finish(s.value, 'entity.empty', s.outcome.reason);
      continue;
    }
    s.outcome.result = 'merged';
    s.outcome.to.push(...members.map((m) => `${m}#label:system=${labels.system}`));
    s.usage.finish(s.value, 'system.label', 'a system becomes the label system=<name> on its services and CIs; its own owner, description and links are not kept');
  }
}

/** A domain merges into the members of its systems; reportSystems must have run. */
export function reportDomains(ctx: Context): void {
  const { systemLabels, systemMembers } = ctx;
  for (const d of ctx.ofKind('domain')) {
    const name = toDnsLabel(d.name);
    const members = [...systemMembers.entries()].filter(([k]) => systemLabels.get(k)?.domain === name).flatMap(([, m]) => m);
    if (members.length === 0) {
      d.outcome.result = 'dropped';
      d.outcome.code = 'entity.empty';
      d.outcome.reason = 'no imported service or CI is in a system of this domain, so its label lands nowhere';
      d.usage.finish(d.value, 'entity.empty', d.outcome.reason);
      continue;
    }
    d.outcome.result = 'merged';
    d.outcome.to.push(...members.map((m) => `${m}#label:domain=${name}`));
    d.usage.finish(d.value, 'domain.label', 'a domain becomes the label domain=<name> on the services and CIs of its systems; its own owner, description and links are not kept');
  }
}
