import { resolve } from 'node:path';
import { audit } from '../../app/audit.js';
import { openGitRepository } from '../../adapters/git/repository.js';
import { periodFlags } from '../period-flags.js';
import { renderAuditCsv, renderAuditMarkdown, renderAuditText } from '../../report/audit.js';
import { defineCommand, defineOptions, type OptionsOf } from '../command-spec.js';
import { rootOf, UsageError, type CommandContext } from '../context.js';
import { writeReport } from '../github/session.js';
import { clientConfigFromEnv } from '../../adapters/github/env.js';
import { defaultCacheDir, diskResponseCache, EtagCacheRefused, type ResponseCache } from '../../adapters/github/etag-cache.js';
import { createGitHubApi } from '../../adapters/github/octokit.js';
import { AuditCacheRefused, auditUnitCache, defaultAuditCacheDir } from '../../adapters/fs/audit-cache.js';
import type { UnitStore } from '../../app/ports/unit-store.js';
import { loadSchemas } from '../../adapters/fs/schemas.js';
import { codeDigest, TOOL_VERSION } from '../../adapters/fs/version.js';

/**
 * `opsledger audit [CR-id] [--since 90d|T] [--until T] [--offline] [--format ...]`: the evidence
 * that every change reaching the default branch was authorised before it was made, and the
 * exceptions (exit 1 when there are any). Definitions and what it proves: docs/audit.md.
 */
const CHANGE_ID = /^CR-\d{4}-\d{4,}$/;

const options = defineOptions({
  since: { type: 'string', default: '90d', description: 'start of the period: a duration back from --until (90d, 12w) or an ISO 8601 time', example: '365d' },
  until: { type: 'string', description: 'end of the period (ISO 8601 with an offset); give it for a report that reads the same tomorrow', defaultText: 'now', example: '2026-12-31T00:00:00Z' },
  offline: { type: 'boolean', description: 'from git alone: no GitHub requests; approvals, gate records and deployments are marked unverified' },
  branch: { type: 'string', description: 'the branch to audit offline', defaultText: 'HEAD', example: 'main' },
  format: { type: 'string', short: 'f', default: 'text', choices: ['text', 'json', 'markdown', 'csv'], description: 'how to print the report', example: 'csv' },
  report: { type: 'string', description: 'also write the report as JSON to this file', example: 'audit.json' },
  'github-cache': { type: 'string', description: "where GitHub's answers are kept with their ETags, outside the repository (a rerun costs 304s, which the rate limit does not count)", defaultText: '$XDG_CACHE_HOME/opsledger/github', example: '/var/cache/opsledger' },
  'no-github-cache': { type: 'boolean', description: 'ask GitHub for everything afresh and keep nothing' },
  'audit-cache': { type: 'string', description: 'where what earlier runs found about each unit of work is kept, outside the repository (a rerun over the same year derives only the new commits)', defaultText: '$XDG_CACHE_HOME/opsledger/audit', example: '/var/cache/opsledger-audit' },
  'no-cache': { type: 'boolean', description: 'derive every unit of work from git again, reading and keeping nothing' },
});

export const auditSpec = defineCommand({
  name: 'audit',
  summary: 'the change audit trail of a period or one change: approvals, gate records, outcomes, reviews, and every exception (exit 1)',
  usage: ['opsledger audit [CR-id] [--since 90d|T] [--until T] [--offline] [--format text|json|markdown|csv] [--report FILE]'],
  options,
  examples: ['opsledger audit --since 90d', 'opsledger audit CR-2026-0042 --format json', 'opsledger audit --since 2026-01-01T00:00:00Z --until 2027-01-01T00:00:00Z --format csv'],
  run: auditCommand,
});

export function auditPeriod(values: { since?: string | undefined; until?: string | undefined }, now: number): { since: number; until: number } {
  const { from, to } = periodFlags(values, now);
  return { since: from, until: to };
}

export async function auditCommand(ctx: CommandContext, values: OptionsOf<typeof options>, positionals: string[]): Promise<number> {
  if (positionals.length > 1) throw new UsageError('name at most one change id');
  const change = positionals[0];
  if (change !== undefined && !CHANGE_ID.test(change)) throw new UsageError(`"${change}" is not a change id (CR-YYYY-NNNN)`);
  const { since, until } = auditPeriod(values, Date.now());
  const root = rootOf(ctx, values);
  let cache: ResponseCache | undefined;
  const dir = typeof values['github-cache'] === 'string' ? values['github-cache'] : defaultCacheDir(ctx.env);
  if (!values.offline && !values['no-github-cache'] && dir) {
    try {
      cache = diskResponseCache(resolve(ctx.cwd, dir), root);
    } catch (e) {
      if (e instanceof EtagCacheRefused) throw new UsageError(e.message);
      throw e;
    }
  }
  const unitDir = typeof values['audit-cache'] === 'string' ? resolve(ctx.cwd, values['audit-cache']) : defaultAuditCacheDir(ctx.env);
  let store: UnitStore | undefined;
  if (!values['no-cache'] && unitDir) {
    try {
      store = auditUnitCache(unitDir, root, `audit:${TOOL_VERSION}:${codeDigest()}:${loadSchemas().digest}`);
    } catch (e) {
      if (e instanceof AuditCacheRefused) throw new UsageError(e.message);
      throw e;
    }
  }
  const report = await audit({
    git: openGitRepository(root),
    ...(store ? { store } : {}),
    ...(values.offline ? {} : { github: () => createGitHubApi({ ...clientConfigFromEnv(ctx.env), ...(cache ? { cache } : {}) }) }),
    ...(change ? { change } : {}),
    since,
    until,
    ...(typeof values.branch === 'string' ? { branch: values.branch } : {}),
  });
  const format = values.format;
  ctx.stdout(format === 'json' ? JSON.stringify(report, null, 2) + '\n' : format === 'markdown' ? renderAuditMarkdown(report) : format === 'csv' ? renderAuditCsv(report) : renderAuditText(report));
  writeReport(ctx, values, report);
  return report.exceptions.length ? 1 : 0;
}
