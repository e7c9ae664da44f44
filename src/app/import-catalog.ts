import { relative, resolve, sep } from 'node:path';
import { analyzeText } from '../core/analyze.js';
import type { SchemaRegistry } from '../core/schema/registry.js';
import { renderYaml } from '../core/yaml-write.js';
import { createTeams } from '../import/backstage/create-teams.js';
import { createMissing } from '../import/backstage/create-missing.js';
import { mapBackstage } from '../import/backstage/map.js';
import { convertOpenSlo } from '../import/openslo/convert.js';
import { convertStatuspage, DEFAULT_SEVERITIES } from '../import/statuspage/convert.js';
import { statuspageContext, type StatuspageOptions } from './statuspage-context.js';
import { convertSloth } from '../import/sloth/convert.js';
import type { SourceDocument, SourceProblem } from '../import/parse.js';
import type { ImportReport } from '../import/report.js';
import type { ProgressReport } from './ports/progress.js';
import type { OrganisationSource } from './ports/source.js';

export type ImportFormat = 'backstage' | 'openslo' | 'sloth' | 'statuspage';

export interface ImportRequest {
  from: ImportFormat;
  documents: readonly SourceDocument[];
  problems: readonly SourceProblem[];
  /** The organisation the files land in: names it already defines are not imported again. */
  into: OrganisationSource;
  /** The folder the planned files are written under. */
  out: string;
  registry: SchemaRegistry;
  /** statuspage: what each impact means and which service each component is. */
  statuspage?: StatuspageOptions;
  /** Write a Team for each team the documents name and nothing defines (Backstage only). */
  createTeams?: boolean;
  /** As createTeams, and a stub System, Domain or API for each one named and not defined (Backstage only). */
  createMissing?: boolean;
  /** Told how far reading the organisation ('read') and checking each mapped document ('import') have got. */
  progress?: ProgressReport;
}

export interface ImportPlan {
  report: ImportReport;
  /** The files to write, relative to the output folder. */
  planned: { path: string; content: string }[];
}

/**
 * Maps another tool's documents into opsledger documents and decides what to write: each file
 * goes through the analysis `validate` runs, and a document that would not validate on its own,
 * or that names something the organisation already defines, is reported and left out.
 */
export async function importCatalog(req: ImportRequest): Promise<ImportPlan> {
  const { registry } = req;
  const mapped =
    req.from === 'backstage'
      ? mapBackstage(req.documents)
      : req.from === 'statuspage'
        ? convertStatuspage(req.documents, await statuspageContext(req.into, req.statuspage ?? { severities: DEFAULT_SEVERITIES, given: new Set(), components: new Map() }))
        : req.from === 'sloth'
          ? convertSloth(req.documents)
          : convertOpenSlo(req.documents);
  const existing = await existingNames(req.into, req.progress);
  // A reference the organisation already answers is not left open.
  const KIND: Record<string, string> = { service: 'Service', team: 'Team', ci: 'ConfigurationItem', system: 'System', domain: 'Domain', api: 'API' };
  mapped.report.dangling = mapped.report.dangling.filter((d) => {
    const [space, name] = d.ref.split(':');
    const answered = Boolean(KIND[space!] && existing.has(`${KIND[space!]}/${name}`));
    // A member of a team the organisation already has: the import writes no team file, so someone must add them.
    if (answered && d.member) mapped.report.review.push({ target: d.ref, pointer: '/spec/members', value: d.member, code: 'review.member-add', reason: `Backstage lists ${d.member} as a member of ${d.written}; the team exists already, so add them to its members`, source: d.source });
    return !answered;
  });
  if ((req.createTeams || req.createMissing) && req.from === 'backstage') {
    const made = createTeams(mapped.report.dangling, (name) => existing.has(`Team/${name}`));
    mapped.files.push(...made.files);
    mapped.report.dangling = mapped.report.dangling.filter((d) => !made.resolved.has(d));
    mapped.report.review.push(...made.review);
  }
  if (req.createMissing && req.from === 'backstage') {
    const made = createMissing(mapped.report.dangling, mapped.files, (kind, name) => existing.has(`${kind}/${name}`));
    mapped.files.push(...made.files);
    mapped.report.dangling = mapped.report.dangling.filter((d) => !made.resolved.has(d));
    mapped.report.review.push(...made.review);
  }
  const kept: typeof mapped.files = [];
  const planned: { path: string; content: string }[] = [];
  const leaveOut = (f: (typeof mapped.files)[number], code: string, reason: string) => {
    const outcome = mapped.report.entities.find((e) => e.source === f.source && e.result === 'mapped');
    if (!outcome) return;
    outcome.result = 'dropped';
    outcome.code = code;
    outcome.reason = reason;
    outcome.to = [];
    // Nothing of it reaches the output now: what was carried is lost for the same reason.
    outcome.dropped = [...outcome.used.map((pointer) => ({ pointer, code, reason: 'the document was not written' })), ...outcome.dropped];
    outcome.used = [];
  };
  for (const [i, f] of mapped.files.entries()) {
    req.progress?.('import', i, mapped.files.length);
    const content = renderYaml([f.doc], registry.schemaId(f.apiVersion, f.kind));
    // An upstream file that was already invalid is reported rather than written into the organisation.
    const errors = analyzeText(f.path, content, registry).diagnostics.filter((d) => d.severity === 'error');
    if (errors.length) {
      leaveOut(f, 'entity.invalid', `the document does not validate: ${errors.map((d) => `${d.pointer || '/'} ${d.message} [${d.code}]`).join('; ')}`);
      continue;
    }
    // A name the organisation already uses elsewhere would make two definitions of one thing.
    const namespace = f.apiVersion === 'openslo/v1' && f.kind === 'Service' ? 'openslo:Service' : f.kind;
    const clash = existing.get(`${namespace}/${f.name}`);
    if (clash && clash !== resolve(req.out, f.path)) {
      leaveOut(f, 'entity.exists', `${f.kind} ${f.name} is already defined in ${relative(req.into.root, clash).split(sep).join('/')}; it is not imported again`);
      continue;
    }
    kept.push(f);
    planned.push({ path: f.path, content });
  }
  const left = new Set(mapped.files.filter((f) => !kept.includes(f)).map((f) => f.source));
  const report: ImportReport = {
    ...mapped.report,
    dangling: mapped.report.dangling.filter((d) => !left.has(d.source)),
    review: mapped.report.review.filter((r) => !left.has(r.source)),
    problems: [...req.problems],
    files: kept.map((f) => ({ path: f.path, apiVersion: f.apiVersion, kind: f.kind, name: f.name })),
  };
  return { report, planned };
}

/** Names already defined in the organisation, by namespace/name, with the file that defines them. */
async function existingNames(source: OrganisationSource, progress?: ProgressReport): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  const repo = await source.read({ cache: false, ...(progress ? { progress } : {}) });
  for (const a of repo.analyses) for (const d of a.documents) if (!names.has(`${d.namespace}/${d.name}`)) names.set(`${d.namespace}/${d.name}`, resolve(source.root, a.file));
  return names;
}
