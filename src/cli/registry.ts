import type { CommandSpec } from './command-spec.js';

/**
 * Every command by name, with the line `opsledger help` shows and a loader for its module. The
 * modules are imported only when their command runs (or its help is asked for): importing all
 * of them is what made `opsledger --version` take most of a second.
 */
export interface CommandEntry {
  summary: string;
  load(): Promise<CommandSpec>;
}

export const COMMANDS: Readonly<Record<string, CommandEntry>> = {
  validate: {
    summary: 'check every document: syntax, schema, references, cycles and semantic rules',
    load: async () => (await import('./commands/validate.js')).validateSpec,
  },
  explain: {
    summary: 'what a diagnostic code means and how to fix it (no code: list them all)',
    load: async () => (await import('./commands/explain.js')).explainSpec,
  },
  impact: {
    summary: 'what depends on a service or configuration item, transitively, with paths',
    load: async () => (await import('./commands/impact.js')).impactSpec,
  },
  risk: {
    summary: 'score changes: impact x likelihood with every factor explained, blast radius, conflicts, controls',
    load: async () => (await import('./commands/risk.js')).riskSpec,
  },
  calendar: {
    summary: 'the change calendar: open or closed now, the next transition, occurrences, .ics export; import argocd|gitlab',
    load: async () => (await import('./commands/calendar.js')).calendarSpec,
  },
  catalog: {
    summary: 'write the static service catalog (search, service, team, CI and change pages, calendar) to a folder',
    load: async () => (await import('./commands/catalog.js')).catalogSpec,
  },
  gate: {
    summary: 'may this change deploy now? every check with its reason; exit 0 allowed, 1 denied (any error denies)',
    load: async () => (await import('./commands/gate.js')).gateSpec,
  },
  audit: {
    summary: 'the change audit trail of a period or one change: approvals, gate records, outcomes, reviews, and every exception (exit 1)',
    load: async () => (await import('./commands/audit.js')).auditSpec,
  },
  pr: {
    summary: 'the pull_request run of the GitHub Action: validation check, risk comment, labels, reviewers, CAB status',
    load: async () => (await import('./commands/pr.js')).prSpec,
  },
  cab: {
    summary: "decide a pull request's approvals from its reviews and publish the opsledger/cab status; cab agenda: the CAB meeting's agenda",
    load: async () => (await import('./commands/cab.js')).cabSpec,
  },
  serve: {
    summary: 'run the opsledger GitHub App: the opsledger/cab check run and deployment protection rules, from webhooks',
    load: async () => (await import('./commands/serve.js')).serveSpec,
  },
  import: {
    summary: 'read Backstage catalog files, OpenSLO (v1, v1alpha) or Sloth specs, or Statuspage incidents into opsledger documents, reporting every loss',
    load: async () => (await import('./commands/import.js')).importSpec,
  },
  export: {
    summary: 'write the organisation as Backstage entities, OpenSLO v1 or Sloth specs, warning about what the target cannot hold',
    load: async () => (await import('./commands/export.js')).exportSpec,
  },
  slo: {
    summary: "an SLO's error budget in minutes and requests, and its multi-window multi-burn-rate alerts",
    load: async () => (await import('./commands/slo.js')).sloSpec,
  },
  codeowners: {
    summary: 'write .github/CODEOWNERS from service ownership; --check fails (with a diff) when it is out of date',
    load: async () => (await import('./commands/codeowners.js')).codeownersSpec,
  },
  new: {
    summary: 'create a service, team, CI, change, incident, system, domain or API that validates on the first try (prompts on a terminal, flags for scripts)',
    load: async () => (await import('./commands/new.js')).newSpec,
  },
  schema: {
    summary: "print a kind's JSON Schema (no kind: list kinds and their $ids)",
    load: async () => (await import('./commands/schema.js')).schemaSpec,
  },
  record: {
    summary: "write a change's outcome (post-implementation review) into its file; --commit --push for pipelines",
    load: async () => (await import('./commands/record.js')).recordSpec,
  },
  incident: {
    summary: "add to an incident's timeline (and move its status) in its file, comments kept",
    load: async () => (await import('./commands/incident.js')).incidentSpec,
  },
  metrics: {
    summary: 'deployment frequency, lead time, change failure rate, time to restore/detect, emergency ratio, incident MTTD/MTTA/MTTR; overall, per service, team, month',
    load: async () => (await import('./commands/metrics.js')).metricsSpec,
  },
  readiness: {
    summary: 'readiness scorecards (bronze/silver/gold) per service and the organisation-wide coverage report',
    load: async () => (await import('./commands/readiness.js')).readinessSpec,
  },
  start: {
    summary: 'the main job on this organisation: validate and summarise',
    load: async () => (await import('./commands/start.js')).startSpec,
  },
};
