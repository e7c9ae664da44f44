import type { Context, Entity } from './context.js';
import { toDnsLabel } from './names.js';

/**
 * The team that owns what an entity becomes: its spec.owner as a team name. A user owner is
 * replaced by the first team of theirs (and listed for review); an owner the input does not
 * define is a dangling reference that `--create-teams` can make; no owner at all is
 * `unowned`, listed for review. One rule for services, systems, domains and APIs.
 */
export function teamOwner(ctx: Context, e: Entity, typed: string): { owner: string; note?: string } {
  const { targets, review, dangling, userGroups, resolve, targetOf } = ctx;
  const written = e.spec.owner;
  const o = resolve(written, e, 'group');
  if (o?.entity?.k === 'user') {
    e.usage.use('/spec/owner');
    const first = (userGroups.get(o.key) ?? []).map((g) => targets.get(g)).find((x) => x);
    if (first) {
      review.push({ target: typed, pointer: '/spec/owner', value: first.name, code: 'review.owner-user', reason: `owned by user ${o.entity.name} in Backstage; ${typed.split(':')[0]}s are owned by teams, so ${o.entity.name}'s team ${first.name} is used`, source: e.label });
      return { owner: first.name, note: `REVIEW: owned by user ${o.entity.name} in Backstage` };
    }
    const owner = toDnsLabel(o.entity.name);
    dangling.push({ target: typed, pointer: '/spec/owner', ref: `team:${owner}`, written: String(written), source: e.label });
    return { owner };
  }
  if (o) {
    const tt = targetOf(written, e, 'group', 'team')!;
    if (tt.dangling) {
      if (o.ref.kind?.toLowerCase() === 'user') {
        review.push({ target: typed, pointer: '/spec/owner', value: tt.name, code: 'review.owner-user', reason: `owned by user ${o.ref.name}, who is not in the input; ${typed.split(':')[0]}s are owned by teams`, source: e.label });
      }
      dangling.push({ target: typed, pointer: '/spec/owner', ref: `team:${tt.name}`, written: String(written), source: e.label });
    }
    e.usage.use('/spec/owner');
    return { owner: tt.name, ...(tt.dangling && o.ref.kind?.toLowerCase() === 'user' ? { note: '' } : {}) };
  }
  review.push({ target: typed, pointer: '/spec/owner', value: 'unowned', code: 'review.owner-missing', reason: `the ${e.kind} names no owner`, source: e.label });
  dangling.push({ target: typed, pointer: '/spec/owner', ref: 'team:unowned', written: '', source: e.label });
  return { owner: 'unowned', note: '' };
}
