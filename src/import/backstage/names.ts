import { nonBlank } from '../../core/shape.js';
import type { Context, Entity, Space } from './context.js';

export const GITHUB_LOGIN = /^[A-Za-z0-9]([A-Za-z0-9-]{0,37}[A-Za-z0-9])?$/;

/** Opsledger names are DNS labels: lower case, digits and '-', at most 63. */
export function toDnsLabel(name: string): string {
  const s = name
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 63)
    .replace(/-$/, '');
  return s === '' ? 'unnamed' : s;
}

export function toLogin(name: string): string {
  const s = name
    .replace(/[^A-Za-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 39)
    .replace(/-$/, '');
  return s === '' ? 'unknown' : s;
}

/**
 * Names in opsledger. Names must be DNS labels and unique per kind; Backstage namespaces do not
 * exist here, so a clash between namespaces is settled by prefixing the non-default namespace.
 * Libraries get no name: they are not operated.
 */
export function assignNames(ctx: Context): void {
  const { targets, libraries } = ctx;
  const taken: Record<Space, Set<string>> = { service: new Set(), ci: new Set(), team: new Set(), system: new Set(), domain: new Set(), api: new Set() };
  const components = ctx.ofKind('component');
  for (const c of components) if (nonBlank(c.spec.type)?.toLowerCase() === 'library') libraries.add(c.key);
  const assign = (e: Entity, space: Space) => {
    let name = toDnsLabel(e.name);
    if (taken[space].has(name)) name = toDnsLabel(`${e.namespace}-${e.name}`);
    for (let i = 2; taken[space].has(name); i++) name = toDnsLabel(`${e.name}-${i}`);
    taken[space].add(name);
    targets.set(e.key, { entity: e, typed: `${space}:${name}`, name });
    if (name !== e.name) e.usage.change('/metadata/name', 'name.changed', `opsledger names are lower-case DNS labels, unique per kind: "${e.name}" is written as "${name}"`);
  };
  // Default-namespace entities pick first so that they keep their plain names.
  const order = (a: Entity, b: Entity) => Number(a.namespace.toLowerCase() !== 'default') - Number(b.namespace.toLowerCase() !== 'default');
  for (const g of [...ctx.ofKind('group')].sort(order)) assign(g, 'team');
  for (const c of [...components].sort(order)) if (!libraries.has(c.key)) assign(c, 'service');
  for (const r of [...ctx.ofKind('resource')].sort(order)) assign(r, 'ci');
  for (const s of [...ctx.ofKind('system')].sort(order)) assign(s, 'system');
  for (const d of [...ctx.ofKind('domain')].sort(order)) assign(d, 'domain');
  for (const a of [...ctx.ofKind('api')].sort(order)) assign(a, 'api');
}
