import type { Link } from '../../core/model.js';
import { nonBlank, list, obj, strings, type Obj } from '../../core/shape.js';
import type { Entity, Target } from './context.js';

export type LinkLists = Record<'runbooks' | 'playbooks' | 'dashboards' | 'links', Link[]>;

const LABEL_KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-._A-Za-z0-9]*[A-Za-z0-9])?$/;
export const URL_LIKE = /^[a-z][a-z0-9+.-]*:\/\/\S+$/i;

/** A key as one JSON-pointer segment. */
const esc = (k: string) => k.replace(/~/g, '~0').replace(/\//g, '~1');

/** A link goes to the list its title, icon or type names; anything else stays a plain link. */
function linkList(link: { title?: string; icon?: string; type?: string }): keyof LinkLists {
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
    metadata.description = description.trim();
    e.usage.use('/metadata/description');
  }
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(obj(m.labels) ?? {})) {
    if (LABEL_KEY.test(k) && k.length <= 317 && (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')) {
      labels[k] = String(v);
      e.usage.use(`/metadata/labels/${esc(k)}`);
    } else e.usage.drop(`/metadata/labels/${esc(k)}`, 'field.invalid', 'the label key or value is not one opsledger accepts');
  }
  const annotations: Record<string, string> = { 'opsledger.dev/backstage-ref': e.ref };
  for (const [k, v] of Object.entries(obj(m.annotations) ?? {})) {
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
  list(m.links).forEach((raw, i) => {
    const l = obj(raw);
    const url = nonBlank(l?.url);
    if (!l || !url || !URL_LIKE.test(url)) {
      e.usage.drop(`/metadata/links/${i}`, 'field.invalid', 'a link needs an absolute url');
      return;
    }
    const title = nonBlank(l.title) ?? url.replace(/^[a-z]+:\/\//i, '').split('/')[0]!;
    const icon = nonBlank(l.icon);
    const type = nonBlank(l.type);
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
  metadata.annotations = annotations;
  return { metadata, links };
}

/** The order people read metadata in, whatever order it was filled in. */
export function orderMetadata(m: Obj): Obj {
  const out: Obj = {};
  for (const k of ['name', 'title', 'description', 'labels', 'annotations', 'links']) if (m[k] !== undefined) out[k] = m[k];
  return out;
}

export function addLabels(metadata: Obj, extra: Record<string, string>): void {
  metadata.labels = { ...(obj(metadata.labels) as Record<string, string> | undefined), ...extra };
}

/** The comment above a written document: where it came from and what to check first. */
export function header(e: Entity, reviewed: string[]): string[] {
  return [
    `Imported from Backstage ${e.ref} (${e.source.file}) by opsledger import backstage.`,
    ...(reviewed.length ? [`Check ${reviewed.join(', ').replace(/, ([^,]*)$/, ' and $1')} (marked REVIEW) before relying on risk scores.`] : []),
  ];
}
