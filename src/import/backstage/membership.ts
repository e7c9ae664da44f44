import { list, nonBlank, obj } from '../../core/shape.js';
import type { Context } from './context.js';
import { GITHUB_LOGIN, toLogin } from './names.js';

/**
 * Users become GitHub logins, and members of the teams of their groups: Group spec.members and
 * User spec.memberOf both count.
 */
export function resolveMemberships(ctx: Context): void {
  const { logins, memberships, userGroups, review, targets, resolve, pendingTeams } = ctx;
  const addMember = (groupKey: string, login: string) => {
    const m = memberships.get(groupKey) ?? [];
    if (!m.includes(login)) m.push(login);
    memberships.set(groupKey, m);
  };
  for (const u of ctx.ofKind('user')) {
    const annotations = obj(u.metadata.annotations) ?? {};
    const fromGithub = nonBlank(annotations['github.com/user-login']);
    let login: string;
    if (fromGithub && GITHUB_LOGIN.test(fromGithub)) {
      login = fromGithub;
      u.usage.use('/metadata/annotations/github.com~1user-login');
    } else if (GITHUB_LOGIN.test(u.name)) {
      login = u.name;
    } else {
      login = toLogin(u.name);
      review.push({ target: `member:${login}`, pointer: '/spec/members', value: login, code: 'review.login-guessed', reason: `Backstage user "${u.name}" has no github.com/user-login annotation and its name is not a GitHub login; "${login}" is a guess`, source: u.label });
    }
    logins.set(u.key, login);
  }
  for (const u of ctx.ofKind('user')) userGroups.set(u.key, []);
  // A group's own member list first: its order is the team's order.
  for (const g of ctx.ofKind('group')) {
    list(g.spec.members).forEach((m, i) => {
      const r = resolve(m, g, 'user');
      const login = r ? logins.get(r.key) : undefined;
      if (r && login) {
        addMember(g.key, login);
        if (!userGroups.get(r.key)!.includes(g.key)) userGroups.get(r.key)!.push(g.key);
        g.usage.use(`/spec/members/${i}`);
      } else if (r && r.ref.kind?.toLowerCase() === 'user') {
        // A member whose User entity is not in the input: its name is still the best login we have.
        const guess = GITHUB_LOGIN.test(r.ref.name) ? r.ref.name : toLogin(r.ref.name);
        addMember(g.key, guess);
        g.usage.use(`/spec/members/${i}`);
        if (guess !== r.ref.name) review.push({ target: targets.get(g.key)!.typed, pointer: '/spec/members', value: guess, code: 'review.login-guessed', reason: `member "${r.ref.name}" is not a GitHub login; "${guess}" is a guess`, source: g.label });
      } else {
        g.usage.drop(`/spec/members/${i}`, 'ref.unsupported', 'a group member must be a user');
      }
    });
  }

  for (const u of ctx.ofKind('user')) {
    const groups = userGroups.get(u.key)!;
    list(u.spec.memberOf).forEach((m, i) => {
      const r = resolve(m, u, 'group');
      if (r?.entity?.k === 'group') {
        if (!groups.includes(r.key)) groups.push(r.key);
        addMember(r.key, logins.get(u.key)!);
        u.usage.use(`/spec/memberOf/${i}`);
      } else if (r && (r.ref.kind ?? 'group').toLowerCase() === 'group') {
        // A group the input does not define: the membership waits for that team
        // (import --create-teams makes it, with this user as a member).
        const team = ctx.targetOf(m, u, 'group', 'team')!;
        const login = logins.get(u.key)!;
        ctx.dangling.push({ target: `member:${login}`, pointer: `/spec/memberOf/${i}`, ref: team.typed, written: String(m), source: u.label, member: login });
        pendingTeams.set(u.key, [...(pendingTeams.get(u.key) ?? []), team.typed]);
        u.usage.use(`/spec/memberOf/${i}`);
      } else {
        u.usage.drop(`/spec/memberOf/${i}`, 'ref.unsupported', `${String(m)} is not a group, so there is no team to add ${logins.get(u.key)} to`);
      }
    });
  }
}

/** A user in a team is merged into it as a login; one in no team is dropped. */
export function reportUsers(ctx: Context): void {
  const { userGroups, targets, logins } = ctx;
  for (const u of ctx.ofKind('user')) {
    const groups = [...(userGroups.get(u.key) ?? []).map((k) => targets.get(k)?.typed).filter((x): x is string => Boolean(x)), ...(ctx.pendingTeams.get(u.key) ?? [])];
    const login = logins.get(u.key)!;
    for (const p of ['displayName', 'email', 'picture']) {
      if (obj(u.spec.profile)?.[p] !== undefined) u.usage.drop(`/spec/profile/${p}`, 'field.dropped', 'opsledger keeps team members as GitHub logins only');
    }
    if (groups.length) {
      u.outcome.result = 'merged';
      u.outcome.to.push(...groups.map((g) => `${g}#member:${login}`));
      u.usage.change('/metadata/name', 'user.login', `member of ${groups.join(', ')} as GitHub login ${login}`);
      u.usage.finish(u.value, 'field.dropped', 'a user becomes a GitHub login in its teams; nothing else about it is kept');
    } else {
      u.outcome.result = 'dropped';
      u.outcome.code = 'entity.no-team';
      u.outcome.reason = 'the user is in no group of the input, so there is no team to make them a member of';
      u.usage.finish(u.value, 'entity.no-team', u.outcome.reason);
    }
  }
}
