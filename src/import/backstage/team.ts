import { API_VERSION } from '../../core/model.js';
import { nonBlank, obj, type Obj } from '../../core/shape.js';
import { CARRY, splitList } from './carry.js';
import type { Context } from './context.js';
import { addLabels, commonMetadata, header, orderMetadata } from './metadata.js';
import { toDnsLabel } from './names.js';

const GITHUB_TEAM = /^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?\/[A-Za-z0-9._-]+$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const ONCALL_LINK = /on-?call|pagerduty|opsgenie|pager|rota|escalation/i;

/** Groups to Team files, with the members resolveMemberships found. */
export function writeTeams(ctx: Context): void {
  const { targets, memberships, files, targetOf } = ctx;
  for (const g of ctx.ofKind('group')) {
    const t = targets.get(g.key)!;
    const ann = (obj(g.metadata.annotations) ?? {}) as Record<string, unknown>;
    const carried = (k: string) => (typeof ann[k] === 'string' ? (ann[k] as string) : undefined);
    const ghTeam = nonBlank(ann['github.com/team-slug']);
    // The team slug becomes spec.github, which an export writes back as this annotation.
    if (ghTeam && GITHUB_TEAM.test(ghTeam)) g.usage.use('/metadata/annotations/github.com~1team-slug');
    const { metadata, links } = commonMetadata(g, t);
    const profile = obj(g.spec.profile) ?? {};
    const displayName = nonBlank(profile.displayName);
    if (displayName && !metadata.title) {
      metadata.title = displayName;
      g.usage.use('/spec/profile/displayName');
    } else if (displayName) g.usage.drop('/spec/profile/displayName', 'field.dropped', 'metadata.title is used as the title');
    const type = nonBlank(g.spec.type);
    if (type) {
      addLabels(metadata, { 'group-type': toDnsLabel(type) }, true);
      g.usage.use('/spec/type');
    }
    if (g.spec.parent !== undefined) {
      const p = targetOf(g.spec.parent, g, 'group', 'team');
      if (p) {
        // opsledger teams have no hierarchy; the label keeps it visible and selectable.
        addLabels(metadata, { parent: p.name }, true);
        g.usage.use('/spec/parent');
      }
    }
    if (g.spec.children !== undefined) g.usage.drop('/spec/children', 'field.dropped', 'opsledger teams have no hierarchy; each imported child team carries a parent label instead');
    for (const legacy of ['ancestors', 'descendants']) {
      if (g.spec[legacy] !== undefined) g.usage.drop(`/spec/${legacy}`, 'field.dropped', `spec.${legacy} is a retired Backstage field; opsledger teams have no hierarchy`);
    }
    if (profile.picture !== undefined) g.usage.drop('/spec/profile/picture', 'field.dropped', 'opsledger does not show team pictures');
    const spec: Obj = {};
    const members = memberships.get(g.key) ?? [];
    if (members.length) spec.members = members;
    if (ghTeam && GITHUB_TEAM.test(ghTeam)) spec.github = { team: ghTeam };
    const carriedOrigins = typeof ann[CARRY.links] === 'string';
    const oncallLink = links.oncall ?? (carriedOrigins ? undefined : [...links.links, ...links.dashboards, ...links.runbooks, ...links.playbooks].find((l) => ONCALL_LINK.test(`${l.title} ${l.type ?? ''}`)));
    const oncall: Obj = {};
    if (oncallLink) {
      oncall.schedule = oncallLink.url;
      for (const k of ['links', 'dashboards', 'runbooks', 'playbooks'] as const) links[k] = links[k].filter((l) => l !== oncallLink);
    }
    const escalation = splitList(carried(CARRY.escalation));
    if (escalation.length) oncall.escalation = escalation;
    if (Object.keys(oncall).length) spec.oncall = oncall;
    const contact: Obj = {};
    for (const k of ['slack', 'chat', 'pager'] as const) {
      const v = carried(CARRY[k]);
      if (v !== undefined) contact[k] = v;
    }
    const email = nonBlank(profile.email);
    if (email && EMAIL.test(email)) {
      contact.email = email;
      g.usage.use('/spec/profile/email');
    } else if (email) g.usage.drop('/spec/profile/email', 'field.invalid', `"${email}" is not an e-mail address`);
    if (Object.keys(contact).length) spec.contact = contact;
    const all = [...links.links, ...links.runbooks, ...links.playbooks, ...links.dashboards];
    if (all.length) metadata.links = all;
    files.push({
      path: `teams/${t.name}.yaml`,
      source: g.label,
      apiVersion: API_VERSION,
      kind: 'Team',
      name: t.name,
      doc: { value: { apiVersion: API_VERSION, kind: 'Team', metadata: orderMetadata(metadata), spec }, comment: header(g, []) },
    });
    g.outcome.to.push(t.typed);
  }
}
