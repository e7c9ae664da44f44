import { RELATION_TYPES } from '../../core/model.js';
import { list, obj } from '../../core/shape.js';
import { carriedRelations, CARRY } from './carry.js';
import type { Context, Entity } from './context.js';
import { formatRef } from './entity-ref.js';

/**
 * Dependency edges, now that every service and CI has a name: dependsOn and dependencyOf of
 * components and resources. A service's edges go to its spec.dependsOn, a CI's to
 * spec.relations. Provided and consumed APIs are the component's own fields (component.ts).
 */
export function linkDependencies(ctx: Context): void {
  const { targets, libraries, dangling, dependsOn, relations, resolve, targetOf } = ctx;
  const components = ctx.ofKind('component');
  const addDependency = (from: Entity, typed: string) => {
    if (from.k === 'component') {
      const d = dependsOn.get(from.key) ?? [];
      if (!d.includes(typed)) d.push(typed);
      dependsOn.set(from.key, d);
    } else if (from.k === 'resource') {
      const r = relations.get(from.key) ?? [];
      if (!r.some((x) => x.target === typed)) r.push({ type: 'dependsOn', target: typed });
      relations.set(from.key, r);
    }
  };
  const dependencyTarget = (written: unknown, from: Entity, pointer: string): string | undefined => {
    const r = resolve(written, from);
    if (!r) {
      from.usage.drop(pointer, 'ref.invalid', `"${String(written)}" is not an entity reference`);
      return undefined;
    }
    const kind = r.ref.kind?.toLowerCase();
    if (kind === 'component') {
      if (libraries.has(r.key)) {
        from.usage.drop(pointer, 'ref.library', `${formatRef(r.ref)} is a library, which opsledger does not track`);
        return undefined;
      }
      const tt = targetOf(written, from, undefined, 'service')!;
      if (tt.dangling) dangling.push({ target: targets.get(from.key)!.typed, pointer: from.k === 'resource' ? '/spec/relations' : '/spec/dependsOn', ref: tt.typed, written: String(written), source: from.label });
      return tt.typed;
    }
    if (kind === 'resource') {
      const tt = targetOf(written, from, undefined, 'ci')!;
      if (tt.dangling) dangling.push({ target: targets.get(from.key)!.typed, pointer: from.k === 'resource' ? '/spec/relations' : '/spec/dependsOn', ref: tt.typed, written: String(written), source: from.label });
      return tt.typed;
    }
    if (kind === 'api') {
      from.usage.drop(pointer, 'ref.unsupported', `a dependency on ${formatRef(r.ref)} belongs in consumesApis; opsledger's dependsOn names services and CIs`);
      return undefined;
    }
    from.usage.drop(pointer, 'ref.unsupported', `a dependency on a ${r.ref.kind ?? 'reference without kind'} has no place in opsledger (only services and CIs)`);
    return undefined;
  };
  for (const e of [...components, ...ctx.ofKind('resource')]) {
    const self = targets.get(e.key);
    if (!self) continue;
    const ann = (obj(e.metadata.annotations) ?? {}) as Record<string, unknown>;
    // An export that carried a CI's typed relations wrote dependsOn for Backstage's graph only.
    const carried = e.k === 'resource' && carriedRelations(typeof ann[CARRY.relations] === 'string' ? (ann[CARRY.relations] as string) : undefined, RELATION_TYPES);
    // ...and the CI's service as dependencyOf, which is belonging, not a dependency.
    const ownService = e.k === 'resource' && typeof ann[CARRY.service] === 'string' ? (ann[CARRY.service] as string) : undefined;
    list(e.spec.dependsOn).forEach((d, i) => {
      if (carried) {
        e.usage.use(`/spec/dependsOn/${i}`);
        return;
      }
      const typed = dependencyTarget(d, e, `/spec/dependsOn/${i}`);
      if (typed && typed !== self.typed) {
        addDependency(e, typed);
        e.usage.use(`/spec/dependsOn/${i}`);
      }
    });
    list(e.spec.dependencyOf).forEach((d, i) => {
      // The reverse edge: the other entity depends on this one.
      const r = resolve(d, e);
      const other = r?.entity;
      if (ownService !== undefined && other?.k === 'component' && targets.get(other.key)?.name === ownService) {
        e.usage.use(`/spec/dependencyOf/${i}`);
        return;
      }
      if (other && targets.has(other.key) && (other.k === 'component' || other.k === 'resource')) {
        addDependency(other, self.typed);
        e.usage.use(`/spec/dependencyOf/${i}`);
      } else e.usage.drop(`/spec/dependencyOf/${i}`, 'ref.dangling', `${String(d)} is not a service or CI in the input, so its dependency on ${self.typed} cannot be written`);
    });
  }
}
