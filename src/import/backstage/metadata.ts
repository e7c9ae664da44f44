import type { Link } from '../../core/model.js';
import { nonBlank, list, obj, strings, type Obj } from '../../core/shape.js';
import { CARRY, CONSUMED, decodeLinkOrigins, parseJson, splitList, type LinkOrigin } from './carry.js';
import type { Entity, Target } from './context.js';

export type LinkLists = Record<'runbooks' | 'playbooks' | 'dashboards' | 'links', Link[]> & { oncall?: Link };

const LABEL_KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-._A-Za-z0-9]*[A-Za-z0-9])?$/;
export const URL_LIKE = /^[a-z][a-z0-9+.-]*:\/\/\S+$/i;

/** A key as one JSON-pointer segment. */
const esc = (k: string) => k.replace(/~/g, '~0').replace(/\//g, '~1');

/** A link goes to the list its title, icon or type names; anything else stays a plain link. */
export function linkList(link: { title?: string; icon?: string; type?: string }): 'runbooks' | 'playbooks' | 'dashboards' | 'links' {
  const text = `${link.title ?? ''} ${link.icon ?? ''} ${link.type ?? ''}`.toLowerCase();
  if (/run-?book/.test(text)) return 'runbooks';
  if (/play-?book|incident response/.test(text)) return 'playbooks';
  if (/dashboard|grafana|kibana|metrics|monitoring/.test(text)) return 'dashboards';
  return 'links';
}

/** metadata shared by every kind: title, description, labels, annotations, tags, links. */
export function commonMetadata(e: Entity, t: Target): { metadata: Obj; links: LinkLists } {
  const m = e.metadata;
  const metadata: Obj = { name: t.name };
  const title = nonBlank(m.title);
  if (title) {
    metadata.title = title;
    e.usage.use('/metadata/title');
  }
  const description = nonBlank(m.description);
  if (description) {
    metadata.description = description;
    e.usage.use('/metadata/description');
  }
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(obj(m.labels) ?? {})) {
    if (LABEL_KEY.test(k) && k.length <= 317 && (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')) {
      labels[k] = String(v);
      e.usage.use(`/metadata/labels/${esc(k)}`);
    } else e.usage.drop(`/metadata/labels/${esc(k)}`, 'field.invalid', 'the label key or value is not one opsledger accepts');
  }
  const written = (obj(m.annotations) ?? {}) as Record<string, unknown>;
  const text = (k: string) => (typeof written[k] === 'string' ? (written[k] as string) : undefined);
  // What an opsledger export carried in its own annotations goes back into fields, not annotations.
  const consumed = new Set([...CONSUMED, ...splitList(text(CARRY.generated))]);
  for (const k of Object.keys(written)) if (consumed.has(k)) e.usage.use(`/metadata/annotations/${esc(k)}`);
  const carriedLabels = parseJson(text(CARRY.labels));
  for (const [k, v] of Object.entries(obj(carriedLabels) ?? {})) if (typeof v === 'string') labels[k] = v;
  const annotations: Record<string, string> = {};
  // The provenance note is kept only when it says something the name does not.
  if ((e.namespace.toLowerCase() !== 'default' || e.name !== t.name) && text(CARRY.ref) === undefined) annotations[CARRY.ref] = e.ref;
  for (const [k, v] of Object.entries(written)) {
    if (e.usage.isCovered(`/metadata/annotations/${esc(k)}`)) continue;
    if (LABEL_KEY.test(k) && k.length <= 317 && typeof v === 'string') {
      annotations[k] = v;
      e.usage.use(`/metadata/annotations/${esc(k)}`);
    } else e.usage.drop(`/metadata/annotations/${esc(k)}`, 'field.invalid', 'the annotation key or value is not one opsledger accepts');
  }
  const tags = strings(m.tags);
  if (tags.length) {
    // Tags have no place of their own; an annotation keeps them for people and for export.
    annotations['opsledger.dev/backstage-tags'] = tags.join(',');
    e.usage.use('/metadata/tags');
  }
  const links: LinkLists = { runbooks: [], playbooks: [], dashboards: [], links: [] };
  const rawLinks = list(m.links);
  // An opsledger export says which list each link came from; without that, titles and icons decide.
  const origins = decodeLinkOrigins(text(CARRY.links));
  const exact: LinkOrigin[] | undefined = origins?.length === rawLinks.length ? origins : undefined;
  rawLinks.forEach((raw, i) => {
    const l = obj(raw);
    const url = nonBlank(l?.url);
    if (!l || !url || !URL_LIKE.test(url)) {
      e.usage.drop(`/metadata/links/${i}`, 'field.invalid', 'a link needs an absolute url');
      return;
    }
    const title = nonBlank(l.title) ?? url.replace(/^[a-z]+:\/\//i, '').split('/')[0]!;
    const icon = nonBlank(l.icon);
    const type = nonBlank(l.type);
    const origin = exact?.[i];
    if (origin) {
      const link: Link = { title, url, ...(origin.type !== undefined ? { type: origin.type } : {}) };
      if (origin.list === 'oncall') links.oncall = link;
      else (links[origin.list] as Link[]).push(link);
      e.usage.use(`/metadata/links/${i}`);
      return;
    }
    const where = linkList({ title, ...(icon ? { icon } : {}), ...(type ? { type } : {}) });
    const link: Link = { title, url };
    // The icon is how Backstage says what a link is; opsledger's `type` says the same.
    if (type ?? icon) link.type = (type ?? icon)!;
    links[where].push(link);
    e.usage.use(`/metadata/links/${i}`);
    if (!nonBlank(l.title)) e.usage.change(`/metadata/links/${i}`, 'link.title', `the link has no title; "${title}" is used`);
    if (type && icon) e.usage.drop(`/metadata/links/${i}/icon`, 'field.dropped', 'the link keeps its type; the icon has no place of its own');
  });
  if (Object.keys(labels).length) metadata.labels = labels;
  if (Object.keys(annotations).length) metadata.annotations = annotations;
  return { metadata, links };
}

/** The order people read metadata in, whatever order it was filled in. */
export function orderMetadata(m: Obj): Obj {
  const out: Obj = {};
  for (const k of ['name', 'title', 'description', 'labels', 'annotations', 'links']) if (m[k] !== undefined) out[k] = m[k];
  return out;
}

export function addLabels(metadata: Obj, extra: Record<string, string>, keepWritten = false): void {
  const written = obj(metadata.labels) as Record<string, string> | undefined;
  // keepWritten: a label the entity writes itself says more than one derived from its system.
  metadata.labels = keepWritten ? { ...extra, ...written } : { ...written, ...extra };
}

/** The comment above a written document: where it came from and what to check first. */
export function header(e: Entity, reviewed: string[]): string[] {
  return [
    `Imported from Backstage ${e.ref} (${e.source.file}) by opsledger import backstage.`,
    ...(reviewed.length ? [`Check ${reviewed.join(', ').replace(/, ([^,]*)$/, ' and $1')} (marked REVIEW) before relying on risk scores.`] : []),
  ];
}
