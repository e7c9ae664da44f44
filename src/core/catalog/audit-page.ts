import type { AuditReport } from '../audit/reconcile.js';
import { pagePath } from './links.js';
import type { AuditPage } from './types.js';

/**
 * The catalog's audit page: the report `opsledger audit` printed (and saved with --report), as
 * it is, for the template to lay out as the text, markdown and CSV reporters do. The page adds
 * only links: a change with a page of its own links to it, and a short form of each commit.
 */
export function auditPage(report: AuditReport, hasChange: (id: string) => boolean): AuditPage {
  const href = (id: string | null) => (id !== null && hasChange(id) ? pagePath.change(id) : undefined);
  return {
    template: 'audit',
    path: pagePath.audit,
    heading: '',
    section: 'audit',
    report,
    changes: report.changes.map((c) => ({ ...c, href: href(c.change), shortCommit: c.commit.slice(0, 7) })),
    exceptions: report.exceptions.map((e) => ({ ...e, href: href(e.change), shortCommit: e.commit?.slice(0, 7) ?? null })),
  };
}
