import { API_VERSION, type ApiType, type ChangeType, type Exposure, type IncidentSeverity, type IncidentStatus, type Lifecycle, type Tier } from '../core/model.js';
import type { YamlDoc } from '../core/yaml-write.js';

/**
 * The documents `opsledger new` writes, from answers that were already checked one by one.
 * Only fields with a value are written, so the result validates as it is; what a person may
 * want to add next is suggested in comments, not as empty fields that would fail.
 */
export interface TeamAnswers {
  name: string;
  title?: string;
  description?: string;
  members?: string[];
  githubTeam?: string;
  slack?: string;
  email?: string;
  oncallSchedule?: string;
}

export interface ServiceAnswers {
  name: string;
  title?: string;
  description?: string;
  owner: string;
  tier: Tier;
  exposure: Exposure;
  lifecycle: Lifecycle;
  dependsOn?: string[];
  repository?: string;
  system?: string;
  providesApis?: string[];
  consumesApis?: string[];
}

export interface DomainAnswers {
  name: string;
  title?: string;
  description?: string;
  owner: string;
}

export interface SystemAnswers extends DomainAnswers {
  domain?: string;
}

export interface ApiAnswers {
  name: string;
  title?: string;
  description?: string;
  type: ApiType;
  owner: string;
  lifecycle: Lifecycle;
  system?: string;
  definition?: string;
}

export interface CiAnswers {
  name: string;
  title?: string;
  description?: string;
  class: string;
  service?: string;
  owner?: string;
  environment?: string;
}

export interface ChangeAnswers {
  id: string;
  title: string;
  type: ChangeType;
  template?: string;
  requester: string;
  services?: string[];
  configurationItems?: string[];
  environment: string;
  start: string;
  end: string;
  description?: string;
  justification?: string;
}

export const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
export const GITHUB_LOGIN = /^[A-Za-z0-9]([A-Za-z0-9-]{0,37}[A-Za-z0-9])?$/;
export const GITHUB_TEAM = /^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?\/[A-Za-z0-9._-]+$/;
export const CHANGE_ID = /^CR-(\d{4})-(\d{4})$/;
export const OFFSET_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/** "payments-api" -> "Payments Api": a starting point for a title, which people then edit. */
export function titleFromName(name: string): string {
  return name
    .split('-')
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join(' ');
}

/**
 * No id is left after the highest of a year (CR-YYYY-9999 exists). Ids below it may be free,
 * but "one after the highest" is what keeps ids in the order changes were proposed, so the
 * user picks one with --id rather than opsledger filling a gap.
 */
export class ChangeIdsUsedUp extends Error {
  override name = 'ChangeIdsUsedUp';
  constructor(readonly year: number) {
    super(`change ids for ${year} are used up (CR-${year}-9999 exists)`);
  }
}

/** The next free change id for `year`: one after the highest of that year, from 0001. */
export function nextChangeId(existing: Iterable<string>, year: number): string {
  let highest = 0;
  for (const id of existing) {
    const m = CHANGE_ID.exec(id);
    if (m && Number(m[1]) === year) highest = Math.max(highest, Number(m[2]));
  }
  if (highest >= 9999) throw new ChangeIdsUsedUp(year);
  return `CR-${year}-${String(highest + 1).padStart(4, '0')}`;
}

function metadata(a: { name: string; title?: string; description?: string }): Record<string, unknown> {
  return { name: a.name, ...(a.title ? { title: a.title } : {}), ...(a.description ? { description: a.description } : {}) };
}

export function teamDocument(a: TeamAnswers): YamlDoc {
  const spec: Record<string, unknown> = {};
  if (a.members?.length) spec.members = a.members;
  if (a.githubTeam) spec.github = { team: a.githubTeam };
  if (a.oncallSchedule) spec.oncall = { schedule: a.oncallSchedule };
  const contact = { ...(a.slack ? { slack: a.slack } : {}), ...(a.email ? { email: a.email } : {}) };
  if (Object.keys(contact).length) spec.contact = contact;
  return {
    value: { apiVersion: API_VERSION, kind: 'Team', metadata: metadata(a), spec },
    trailer: [
      'members are GitHub logins; github.team (org/slug) is what `opsledger codeowners` writes when set.',
      'Also possible: oncall: {schedule: <url>, escalation: [login, ...]}, contact: {slack, email, chat, pager}.',
    ],
  };
}

export function serviceDocument(a: ServiceAnswers): YamlDoc {
  const spec: Record<string, unknown> = { owner: a.owner, tier: a.tier, exposure: a.exposure, lifecycle: a.lifecycle };
  if (a.dependsOn?.length) spec.dependsOn = a.dependsOn;
  if (a.repository) spec.repository = a.repository;
  if (a.system) spec.system = a.system;
  if (a.providesApis?.length) spec.providesApis = a.providesApis;
  if (a.consumesApis?.length) spec.consumesApis = a.consumesApis;
  return {
    value: { apiVersion: API_VERSION, kind: 'Service', metadata: metadata(a), spec },
    notes: { '/spec/tier': '1 most critical .. 4 least: the impact severity of its changes', '/spec/exposure': 'who is hurt when it fails: external | company | department | team' },
    trailer: [
      'Add when you have them (the catalog and the risk score read them):',
      '  runbooks: [{title: Restart pods, url: https://...}]',
      '  playbooks: [{title: Elevated 5xx, url: https://...}]',
      '  dashboards: [{title: Golden signals, url: https://...}]',
      '  continuity: {rto: 1h, rpo: 5m, redundancy: multi-az, drTestedAt: "YYYY-MM-DD"}',
    ],
  };
}

export function domainDocument(a: DomainAnswers): YamlDoc {
  return {
    value: { apiVersion: API_VERSION, kind: 'Domain', metadata: metadata(a), spec: { owner: a.owner } },
    trailer: ['Systems join the domain with spec.domain; the catalog lists them, and their services, on the domain page.'],
  };
}

export function systemDocument(a: SystemAnswers): YamlDoc {
  return {
    value: { apiVersion: API_VERSION, kind: 'System', metadata: metadata(a), spec: { owner: a.owner, ...(a.domain ? { domain: a.domain } : {}) } },
    trailer: ['Services join the system with spec.system; the catalog draws their dependencies grouped by system.'],
  };
}

export function apiDocument(a: ApiAnswers): YamlDoc {
  const spec: Record<string, unknown> = { type: a.type, owner: a.owner, lifecycle: a.lifecycle };
  if (a.system) spec.system = a.system;
  if (a.definition) spec.definition = a.definition;
  return {
    value: { apiVersion: API_VERSION, kind: 'API', metadata: metadata(a), spec },
    trailer: ['Services name it in spec.providesApis and spec.consumesApis; an API that is consumed and provided by none is a warning.'],
  };
}

export function ciDocument(a: CiAnswers): YamlDoc {
  const spec: Record<string, unknown> = { class: a.class };
  if (a.service) spec.service = a.service;
  if (a.owner) spec.owner = a.owner;
  if (a.environment) spec.environment = a.environment;
  return {
    value: { apiVersion: API_VERSION, kind: 'ConfigurationItem', metadata: metadata(a), spec },
    trailer: ['Relations make the blast radius: relations: [{type: runsOn, target: ci:k8s-prod}] (dependsOn, runsOn, hostedOn, connectsTo).', 'attributes: {engine: postgres, version: "16"} holds anything else.'],
  };
}

export function changeDocument(a: ChangeAnswers): YamlDoc {
  const spec: Record<string, unknown> = { type: a.type };
  if (a.type === 'standard' && a.template) spec.template = a.template;
  spec.requester = a.requester;
  if (a.services?.length) spec.services = a.services;
  if (a.configurationItems?.length) spec.configurationItems = a.configurationItems;
  spec.environment = a.environment;
  spec.schedule = { start: a.start, end: a.end };
  if (a.description) spec.description = a.description;
  if (a.justification) spec.justification = a.justification;
  return {
    value: { apiVersion: API_VERSION, kind: 'ChangeRequest', metadata: { name: a.id, title: a.title }, spec, status: { phase: 'draft' } },
    trailer: [
      'Before review, add what the risk score and the CAB look for (`opsledger risk ' + a.id + '` shows what is missing):',
      '  implementation: [step, ...]',
      '  verification: [{description: Staging soak 24h, evidence: https://...}]',
      '  delivery: {strategy: canary, stages: [{traffic: 5, duration: 30m, metrics: [slo:...]}, {traffic: 100}], autoRollback: true}',
      '  rollback: {steps: [...], triggers: [...], expectedDuration: 15m, tested: {at: "YYYY-MM-DD", evidence: https://...}}',
      '  premortem: [{risk: ..., mitigation: ...}]',
      '  implementer: <github login, when not the requester>',
      '  expectedOutage: {duration: 0m, description: what users will see}',
    ],
  };
}

// ---------------------------------------------------------------- incidents

export const INCIDENT_ID = /^INC-(\d{4})-(\d{4})$/;

export interface IncidentAnswers {
  id: string;
  title: string;
  severity: IncidentSeverity;
  status: IncidentStatus;
  startedAt: string;
  detectedAt?: string;
  services?: string[];
  configurationItems?: string[];
  commander?: string;
  impact?: string;
}

/** No incident id is left after the highest of a year; as for changes, gaps are not filled. */
export class IncidentIdsUsedUp extends Error {
  override name = 'IncidentIdsUsedUp';
  constructor(readonly year: number) {
    super(`incident ids for ${year} are used up (INC-${year}-9999 exists)`);
  }
}

/** The next free incident id for `year`: one after the highest of that year, from 0001. */
export function nextIncidentId(existing: Iterable<string>, year: number): string {
  let highest = 0;
  for (const id of existing) {
    const m = INCIDENT_ID.exec(id);
    if (m && Number(m[1]) === year) highest = Math.max(highest, Number(m[2]));
  }
  if (highest >= 9999) throw new IncidentIdsUsedUp(year);
  return `INC-${year}-${String(highest + 1).padStart(4, '0')}`;
}

export function incidentDocument(a: IncidentAnswers): YamlDoc {
  const spec: Record<string, unknown> = { severity: a.severity, status: a.status, startedAt: a.startedAt };
  if (a.detectedAt) spec.detectedAt = a.detectedAt;
  if (a.services?.length) spec.services = a.services;
  if (a.configurationItems?.length) spec.configurationItems = a.configurationItems;
  if (a.impact) spec.impact = { summary: a.impact };
  if (a.commander) spec.commander = a.commander;
  return {
    value: { apiVersion: API_VERSION, kind: 'Incident', metadata: { name: a.id, title: a.title }, spec },
    notes: { '/spec/status': 'investigating -> identified (detectedAt) -> monitoring (mitigatedAt) -> resolved (resolvedAt) -> reviewed (review.completedAt)' },
    trailer: [
      `Add to the timeline as it happens: opsledger incident timeline ${a.id} --add "..." [--status monitoring]`,
      'When it is known: causedBy: [CR-YYYY-NNNN] (or causedBy: none), responders: [login, ...], acknowledgedAt, mitigatedAt, resolvedAt.',
      'After it: review: {summary: ..., completedAt: ..., contributingFactors: [...], wentWell: [...], actionItems: [{title, owner: team, due: "YYYY-MM-DD", state: open}]}',
    ],
  };
}

/** An ISO 8601 instant with the given UTC offset (minutes east of UTC), e.g. 2026-12-02T10:00:00+09:00. */
export function formatInstant(epochMs: number, offsetMinutes: number): string {
  const local = new Date(epochMs + offsetMinutes * 60_000);
  const pad = (n: number) => String(n).padStart(2, '0');
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return `${local.getUTCFullYear()}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}T${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}
