import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeText } from '../../core/analyze.js';
import type { Diagnostic } from '../../core/diagnostics.js';
import { parseDuration } from '../../core/duration.js';
import { API_TYPES, EXPOSURES, INCIDENT_SEVERITIES, type ApiType, type ChangeType, type Exposure, type IncidentSeverity, type IncidentStatus, type Lifecycle, type Tier } from '../../core/model.js';
import { activePolicy } from '../../core/organisation.js';
import { validateRepository } from '../../core/place-findings.js';
import { renderYaml, type YamlDoc } from '../../core/yaml-write.js';
import {
  apiDocument,
  CHANGE_ID,
  changeDocument,
  domainDocument,
  systemDocument,
  ciDocument,
  DNS_LABEL,
  formatInstant,
  GITHUB_LOGIN,
  GITHUB_TEAM,
  ChangeIdsUsedUp,
  INCIDENT_ID,
  incidentDocument,
  IncidentIdsUsedUp,
  nextChangeId,
  nextIncidentId,
  OFFSET_INSTANT,
  serviceDocument,
  teamDocument,
  titleFromName,
} from '../../scaffold/documents.js';
import { loadOrganisation, type LoadedOrganisation } from '../../app/load-organisation.js';
import { defaultEnvironment, environmentAnswer, policyEnvironments } from '../environment-flag.js';
import { openWorkspace } from '../../adapters/workspace.js';
import { loadSchemas, schemaRegistry } from '../../adapters/fs/schemas.js';
import { FileExistsError, writeFiles } from '../../adapters/fs/write-files.js';
import { defineCommand, defineOptions, type OptionsOf } from '../command-spec.js';
import { writeFileAtomic } from '../../adapters/fs/atomic-write.js';
import { rootOf, UsageError, type CommandContext } from '../context.js';
import { ExpectedFailure } from '../../app/ports/failure.js';

/**
 * `opsledger new service|team|ci|change|incident|system|domain|api`: writes a new document that validates on the first
 * try. On a terminal it asks for what the flags did not give (with @inquirer/prompts: arrow-key
 * selects for closed choices, checked input for names); with --yes, or without a terminal, it
 * takes flags only and names the missing ones. Every answer is checked as it is given, and the
 * finished file goes through the same validation as `opsledger validate`, against the rest of
 * the organisation, before it is written.
 */
export const NEW_KINDS = ['service', 'team', 'ci', 'change', 'incident', 'system', 'domain', 'api'] as const;

type Prompts = typeof import('@inquirer/prompts');
type Values = Record<string, unknown>;

interface Plan {
  /** Relative to the organisation root. */
  path: string;
  kind: string;
  name: string;
  doc: YamlDoc;
  /** Append as another document to an existing file instead of creating one. */
  append?: boolean;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const URL_LIKE = /^https?:\/\/\S+$/;

class Asker {
  constructor(
    readonly prompts: Prompts | undefined,
    readonly values: Values,
    readonly say: (text: string) => void,
    readonly env: Record<string, string | undefined>,
  ) {}

  get interactive(): boolean {
    return this.prompts !== undefined;
  }

  /** A flag's value, checked; else a prompt; else the default; else a usage error when required. */
  async text(flag: string, o: { message: string; default?: string; required?: boolean; check?: (v: string) => string | undefined }): Promise<string | undefined> {
    const given = this.values[flag];
    if (typeof given === 'string') {
      const problem = o.check?.(given);
      if (problem) throw new UsageError(`--${flag}: ${problem}`);
      return given === '' ? undefined : given;
    }
    if (this.prompts) {
      const answer = await this.prompts.input({
        message: o.message,
        ...(o.default !== undefined ? { default: o.default } : {}),
        validate: (v: string) => {
          if (v.trim() === '') return o.required ? 'required' : true;
          return o.check?.(v.trim()) ?? true;
        },
      });
      return answer.trim() === '' ? undefined : answer.trim();
    }
    if (o.default !== undefined) return o.default;
    if (o.required) throw new UsageError(`--${flag} is required (run on a terminal without --yes to be asked)`);
    return undefined;
  }

  async choose<T extends string | number>(flag: string, o: { message: string; choices: { value: T; name?: string; description?: string }[]; default?: T; parse?: (v: string) => T | undefined }): Promise<T> {
    const given = this.values[flag];
    if (typeof given === 'string') {
      const v = o.parse ? o.parse(given) : (given as T);
      if (v === undefined || !o.choices.some((c) => c.value === v)) throw new UsageError(`--${flag} must be one of ${o.choices.map((c) => c.value).join(', ')}`);
      return v;
    }
    if (this.prompts) return this.prompts.select<T>({ message: o.message, choices: o.choices, ...(o.default !== undefined ? { default: o.default } : {}), pageSize: 12 });
    if (o.default !== undefined) return o.default;
    throw new UsageError(`--${flag} is required: one of ${o.choices.map((c) => c.value).join(', ')}`);
  }

  /** Comma-separated or repeated flags; a checkbox on a terminal. */
  async many(flag: string, o: { message: string; choices: string[]; check?: (v: string) => string | undefined; validate?: (picked: string[]) => string | undefined }): Promise<string[]> {
    const given = this.values[flag];
    if (Array.isArray(given) && given.length) {
      const items = given.flatMap((g) => String(g).split(',')).map((s) => s.trim()).filter(Boolean);
      for (const item of items) {
        const problem = o.check?.(item);
        if (problem) throw new UsageError(`--${flag}: ${problem}`);
      }
      const problem = o.validate?.(items);
      if (problem) throw new UsageError(`--${flag}: ${problem}`);
      return [...new Set(items)];
    }
    if (this.prompts && o.choices.length) {
      return this.prompts.checkbox({
        message: o.message,
        choices: o.choices.map((c) => ({ value: c, name: c })),
        pageSize: 12,
        ...(o.validate ? { validate: (picked: readonly { value: string }[]) => o.validate!(picked.map((p) => p.value)) ?? true } : {}),
      });
    }
    const problem = o.validate?.([]);
    if (problem) throw new UsageError(`--${flag}: ${problem}`);
    return [];
  }
}

function list(check: (v: string) => string | undefined): (v: string) => string | undefined {
  return (v) => {
    for (const item of v.split(',').map((s) => s.trim()).filter(Boolean)) {
      const p = check(item);
      if (p) return p;
    }
    return undefined;
  };
}
const splitList = (v: string | undefined) => (v ? [...new Set(v.split(',').map((s) => s.trim()).filter(Boolean))] : []);

function nameCheck(taken: ReadonlySet<string>, what: string): (v: string) => string | undefined {
  return (v) => {
    if (!DNS_LABEL.test(v) || v.length > 63) return 'use lower-case letters, digits and dashes (a DNS label), e.g. payments-api';
    if (taken.has(v)) return `a ${what} named ${v} already exists`;
    return undefined;
  };
}

/** Class names come from the schema itself, so this list cannot drift from validation. */
function ciClasses(): string[] {
  const common = loadSchemas().schemas.find((s) => s.$id === 'https://opsledger.dev/schemas/v1/common.schema.json') as { $defs?: { ciClass?: { enum?: string[] } } } | undefined;
  return common?.$defs?.ciClass?.enum ?? [];
}

async function planTeam(a: Asker, loaded: LoadedOrganisation): Promise<Plan> {
  const name = (await a.text('name', { message: 'Team name (a DNS label, e.g. payments)', required: true, check: nameCheck(new Set(loaded.org.teams.keys()), 'team') }))!;
  const title = await a.text('title', { message: 'Title', default: titleFromName(name) });
  const members = splitList(await a.text('members', { message: 'Members: GitHub logins, comma-separated', check: list((v) => (GITHUB_LOGIN.test(v) ? undefined : `${v} is not a GitHub login`)) }));
  const githubTeam = await a.text('github-team', { message: 'GitHub team as org/slug (empty for none)', check: (v) => (GITHUB_TEAM.test(v) ? undefined : 'write it as org/team-slug, e.g. acme/payments') });
  const slack = await a.text('slack', { message: 'Slack channel (empty for none)' });
  const email = await a.text('email', { message: 'E-mail (empty for none)', check: (v) => (EMAIL.test(v) ? undefined : `${v} is not an e-mail address`) });
  const doc = teamDocument({ name, ...(title ? { title } : {}), members, ...(githubTeam ? { githubTeam } : {}), ...(slack ? { slack } : {}), ...(email ? { email } : {}) });
  return { path: `teams/${name}.yaml`, kind: 'Team', name, doc };
}

const TIERS: { value: Tier; name: string; description: string }[] = [
  { value: 1, name: '1 - most critical', description: 'revenue or safety stops when it fails' },
  { value: 2, name: '2 - important', description: 'major degradation when it fails' },
  { value: 3, name: '3 - limited impact', description: 'some people are slowed down' },
  { value: 4, name: '4 - least critical', description: 'internal convenience' },
];
const LIFECYCLES: { value: Lifecycle; name: string }[] = [
  { value: 'experimental', name: 'experimental - not yet relied upon' },
  { value: 'production', name: 'production - relied upon, fully supported' },
  { value: 'deprecated', name: 'deprecated - being retired' },
];
const NONE = '(none)';

/** An optional pick among names the organisation defines: a flag's empty value or the prompt's (none) means none. */
async function optionalPick(a: Asker, flag: string, message: string, names: Iterable<string>, what: string): Promise<string | undefined> {
  const choices = [...names].sort();
  if (typeof a.values[flag] !== 'string' && !a.interactive) return undefined;
  if (typeof a.values[flag] !== 'string' && choices.length === 0) return undefined;
  const picked = await a.choose<string>(flag, {
    message,
    choices: [{ value: NONE }, ...choices.map((c) => ({ value: c }))],
    default: NONE,
    parse: (v) => (v === '' ? NONE : choices.includes(v) ? v : undefined),
  }).catch((e: unknown) => {
    if (e instanceof UsageError && choices.length === 0) throw new UsageError(`--${flag}: there is no ${what} yet; create one with \`opsledger new ${what}\``);
    throw e;
  });
  return picked === NONE ? undefined : picked;
}

function teamChoices(loaded: LoadedOrganisation, what: string): { value: string; name: string }[] {
  const { org } = loaded;
  const teams = [...org.teams.keys()].sort();
  if (teams.length === 0) throw new UsageError(`${what} needs an owning team and there is none yet: run \`opsledger new team\` first`);
  return teams.map((t) => ({ value: t, name: org.teams.get(t)?.doc.metadata.title ? `${t} (${org.teams.get(t)!.doc.metadata.title})` : t }));
}

const EXPOSURE_TEXT: Record<Exposure, string> = { external: 'customers and partners', company: 'everyone in the company', department: 'one department', team: 'one team' };

async function planService(a: Asker, loaded: LoadedOrganisation): Promise<Plan> {
  const { org } = loaded;
  const teamList = teamChoices(loaded, 'a service');
  const name = (await a.text('name', { message: 'Service name (a DNS label, e.g. payments-api)', required: true, check: nameCheck(new Set(org.services.keys()), 'service') }))!;
  const title = await a.text('title', { message: 'Title', default: titleFromName(name) });
  const description = await a.text('description', { message: 'One-line description (empty for none)' });
  const owner = await a.choose<string>('owner', { message: 'Owning team', choices: teamList });
  const tier = await a.choose<Tier>('tier', { message: 'Tier: how bad is it when it fails?', choices: TIERS, parse: (v) => (['1', '2', '3', '4'].includes(v) ? (Number(v) as Tier) : undefined) });
  const exposure = await a.choose<Exposure>('exposure', { message: 'Exposure: who is hurt when it fails?', choices: EXPOSURES.map((e) => ({ value: e, name: `${e} - ${EXPOSURE_TEXT[e]}` })) });
  const lifecycle = await a.choose<Lifecycle>('lifecycle', { message: 'Lifecycle', choices: LIFECYCLES, default: 'experimental' });
  const targets = [...[...org.services.keys()].sort().map((s) => `service:${s}`), ...[...org.cis.keys()].sort().map((c) => `ci:${c}`)];
  const known = new Set(targets);
  const dependsOn = await a.many('depends-on', { message: 'Depends on (space to pick, enter when done)', choices: targets, check: (v) => (known.has(v) ? undefined : `${v} is not a known service:<name> or ci:<name>`) });
  const repository = await a.text('repository', { message: 'Repository URL (empty for none)', check: (v) => (URL_LIKE.test(v) ? undefined : 'write a full URL, e.g. https://github.com/acme/payments-api') });
  const system = await optionalPick(a, 'system', 'System it is part of', org.systems.keys(), 'system');
  const apis = [...org.apis.keys()].sort();
  const apiCheck = (v: string) => (org.apis.has(v) ? undefined : `${v} is not a known API`);
  const providesApis = await a.many('provides-apis', { message: 'APIs it provides', choices: apis, check: apiCheck });
  const consumesApis = await a.many('consumes-apis', { message: 'APIs it consumes', choices: apis, check: apiCheck });
  const doc = serviceDocument({ name, ...(title ? { title } : {}), ...(description ? { description } : {}), owner, tier, exposure, lifecycle, dependsOn, ...(repository ? { repository } : {}), ...(system ? { system } : {}), providesApis, consumesApis });
  return { path: `services/${name}/service.yaml`, kind: 'Service', name, doc };
}

async function planCi(a: Asker, loaded: LoadedOrganisation): Promise<Plan> {
  const { org, repo } = loaded;
  const name = (await a.text('name', { message: 'Configuration item name (a DNS label, e.g. payments-db)', required: true, check: nameCheck(new Set(org.cis.keys()), 'configuration item') }))!;
  const title = await a.text('title', { message: 'Title (empty for none)' });
  const cls = await a.choose<string>('class', { message: 'Class', choices: ciClasses().map((c) => ({ value: c })) });
  const services = [...org.services.keys()].sort();
  const serviceAnswer = await a.choose<string>('service', { message: 'Owning service', choices: [{ value: NONE, name: '(none: shared infrastructure)' }, ...services.map((s) => ({ value: s }))], default: NONE, parse: (v) => (v === '' ? NONE : v) });
  const service = serviceAnswer === NONE ? undefined : serviceAnswer;
  let owner: string | undefined;
  if (!service || typeof a.values.owner === 'string') {
    const teams = [...org.teams.keys()].sort();
    const ownerAnswer = await a.choose<string>('owner', { message: 'Owning team', choices: [{ value: NONE }, ...teams.map((t) => ({ value: t }))], default: NONE, parse: (v) => (v === '' ? NONE : v) });
    owner = ownerAnswer === NONE ? undefined : ownerAnswer;
  }
  const envs = policyEnvironments(org);
  const environment = await a.text('environment', { message: 'Environment', default: defaultEnvironment(envs), check: (v) => (DNS_LABEL.test(v) ? environmentAnswer(envs, v) : 'use a DNS label such as production or staging') });
  const doc = ciDocument({ name, ...(title ? { title } : {}), class: cls, ...(service ? { service } : {}), ...(owner ? { owner } : {}), ...(environment ? { environment } : {}) });
  if (!service) return { path: `cmdb/${name}.yaml`, kind: 'ConfigurationItem', name, doc };
  // Beside its service, in the file the example organisation uses for CIs; added to it when it exists.
  const servicePath = org.services.get(service)!.file;
  const folder = servicePath.includes('/') ? servicePath.slice(0, servicePath.lastIndexOf('/')) : '.';
  const path = folder === 'services' ? `cmdb/${name}.yaml` : `${folder}/cmdb.yaml`;
  return { path, kind: 'ConfigurationItem', name, doc, append: repo.analyses.some((f) => f.file === path) };
}

/** The questions a domain, a system and an API open with: name, title, description and the accountable team. */
async function groupingHead(a: Asker, loaded: LoadedOrganisation, o: { what: string; taken: Iterable<string>; example: string }) {
  const owners = teamChoices(loaded, `${/^[aeiou]/i.test(o.what) ? 'an' : 'a'} ${o.what}`);
  const name = (await a.text('name', { message: `${o.what[0]!.toUpperCase()}${o.what.slice(1)} name (a DNS label, e.g. ${o.example})`, required: true, check: nameCheck(new Set(o.taken), o.what) }))!;
  const title = await a.text('title', { message: 'Title', default: titleFromName(name) });
  const description = await a.text('description', { message: 'One-line description (empty for none)' });
  return { name, ...(title ? { title } : {}), ...(description ? { description } : {}), owners };
}

async function planDomain(a: Asker, loaded: LoadedOrganisation): Promise<Plan> {
  const { owners, ...head } = await groupingHead(a, loaded, { what: 'domain', taken: loaded.org.domains.keys(), example: 'commerce' });
  const owner = await a.choose<string>('owner', { message: 'Accountable team', choices: owners });
  return { path: `systems/domains/${head.name}.yaml`, kind: 'Domain', name: head.name, doc: domainDocument({ ...head, owner }) };
}

async function planSystem(a: Asker, loaded: LoadedOrganisation): Promise<Plan> {
  const { org } = loaded;
  const { owners, ...head } = await groupingHead(a, loaded, { what: 'system', taken: org.systems.keys(), example: 'checkout' });
  const owner = await a.choose<string>('owner', { message: 'Accountable team', choices: owners });
  const domain = await optionalPick(a, 'domain', 'Domain it is part of', org.domains.keys(), 'domain');
  return { path: `systems/${head.name}.yaml`, kind: 'System', name: head.name, doc: systemDocument({ ...head, owner, ...(domain ? { domain } : {}) }) };
}

const API_TYPE_TEXT: Record<ApiType, string> = { openapi: 'REST, described by OpenAPI', asyncapi: 'events and messages, described by AsyncAPI', graphql: 'GraphQL', grpc: 'gRPC, described by protocol buffers', other: 'anything else' };

async function planApi(a: Asker, loaded: LoadedOrganisation): Promise<Plan> {
  const { org } = loaded;
  const { owners, ...head } = await groupingHead(a, loaded, { what: 'API', taken: org.apis.keys(), example: 'payments-v2' });
  const type = await a.choose<ApiType>('type', { message: 'Type', choices: API_TYPES.map((t) => ({ value: t, name: `${t} - ${API_TYPE_TEXT[t]}` })) });
  const owner = await a.choose<string>('owner', { message: 'Accountable team', choices: owners });
  const lifecycle = await a.choose<Lifecycle>('lifecycle', { message: 'Lifecycle', choices: LIFECYCLES, default: 'experimental' });
  const system = await optionalPick(a, 'system', 'System it is part of', org.systems.keys(), 'system');
  const definition = await a.text('definition', { message: 'URL of its definition (empty for none)', check: (v) => (URL_LIKE.test(v) ? undefined : 'write a full URL, e.g. https://github.com/acme/payments-api/blob/main/openapi.yaml') });
  const doc = apiDocument({ ...head, type, owner, lifecycle, ...(system ? { system } : {}), ...(definition ? { definition } : {}) });
  return { path: `apis/${head.name}.yaml`, kind: 'API', name: head.name, doc };
}

async function planChange(a: Asker, loaded: LoadedOrganisation, now: Date): Promise<Plan> {
  const { org, repo } = loaded;
  const existing = new Set(org.changes.keys());
  // Files count too, even invalid ones: their id is taken.
  for (const f of repo.analyses) {
    const m = /(?:^|\/)(CR-\d{4}-\d{4})\.ya?ml$/.exec(f.file);
    if (m) existing.add(m[1]!);
  }
  const year = now.getFullYear();
  let id: string;
  if (typeof a.values.id === 'string') {
    if (!CHANGE_ID.test(a.values.id)) throw new UsageError('--id must look like CR-2026-0042');
    if (existing.has(a.values.id)) throw new UsageError(`${a.values.id} already exists`);
    id = a.values.id;
  } else {
    try {
      id = nextChangeId(existing, year);
    } catch (e) {
      if (e instanceof ChangeIdsUsedUp) throw new ExpectedFailure('new.ids-used-up', `${e.message}; name a free id with --id CR-${year}-NNNN`);
      throw e;
    }
  }
  if (a.interactive) a.say(`Change id: ${id}\n`);
  const title = (await a.text('title', { message: 'Title: what changes, in one line', required: true }))!;
  const type = await a.choose<ChangeType>('type', {
    message: 'Type',
    choices: [
      { value: 'normal', name: 'normal - assessed and approved by the CAB' },
      { value: 'standard', name: 'standard - pre-approved, follows a template' },
      { value: 'emergency', name: 'emergency - cannot wait; post-implementation review required' },
    ],
    default: 'normal',
  });
  let template: string | undefined;
  if (type === 'standard') {
    const templates = [...org.templates.keys()].sort();
    if (templates.length === 0) throw new UsageError('a standard change follows a StandardChange template and there is none; make it normal, or add a template');
    template = await a.choose<string>('template', { message: 'Template', choices: templates.map((t) => ({ value: t, ...(org.templates.get(t)?.doc.metadata.title ? { name: `${t} (${org.templates.get(t)!.doc.metadata.title})` } : {}) })) });
  }
  const justification = type === 'emergency' ? await a.text('justification', { message: 'Justification: why it cannot wait for the CAB', required: true }) : await a.text('justification', { message: 'Justification (empty for none)' });
  const serviceNames = [...org.services.keys()].sort();
  const ciNames = [...org.cis.keys()].sort();
  const services = await a.many('services', { message: 'Affected services (space to pick, enter when done)', choices: serviceNames, check: (v) => (org.services.has(v) ? undefined : `${v} is not a known service`) });
  const cis = await a.many('cis', {
    message: 'Affected configuration items',
    choices: ciNames,
    check: (v) => (org.cis.has(v) ? undefined : `${v} is not a known configuration item`),
    validate: (picked) => (picked.length + services.length === 0 ? 'pick at least one service or configuration item' : undefined),
  });
  const envs = policyEnvironments(org);
  const environment = (await a.text('environment', { message: 'Environment', default: defaultEnvironment(envs), check: (v) => (DNS_LABEL.test(v) ? environmentAnswer(envs, v) : 'use a DNS label such as production') }))!;
  const offset = -now.getTimezoneOffset();
  const tomorrow = new Date(now.getTime() + 86_400_000);
  const defaultStart = formatInstant(Date.UTC(tomorrow.getFullYear(), tomorrow.getMonth(), tomorrow.getDate(), 10, 0, 0) - offset * 60_000, offset);
  const start = (await a.text('start', { message: 'Start (ISO 8601 with offset)', default: defaultStart, check: (v) => (OFFSET_INSTANT.test(v) && !Number.isNaN(Date.parse(v)) ? undefined : 'write a time with an offset, e.g. 2026-12-02T01:00:00+09:00') }))!;
  let end: string;
  if (typeof a.values.end === 'string') {
    if (!OFFSET_INSTANT.test(a.values.end) || Number.isNaN(Date.parse(a.values.end))) throw new UsageError('--end: write a time with an offset, e.g. 2026-12-02T03:00:00+09:00');
    end = a.values.end;
  } else {
    const duration = (await a.text('duration', { message: 'How long (e.g. 30m, 2h)', default: '1h', check: (v) => ((parseDuration(v) ?? 0) > 0 ? undefined : 'write a duration such as 30m, 2h or 1h30m') }))!;
    const offsetOfStart = /([+-])(\d{2}):(\d{2})$/.exec(start);
    const startOffset = offsetOfStart ? (offsetOfStart[1] === '-' ? -1 : 1) * (Number(offsetOfStart[2]) * 60 + Number(offsetOfStart[3])) : 0;
    end = formatInstant(Date.parse(start) + parseDuration(duration)!, startOffset);
  }
  const envLogin = [a.values.requester, a.env.GITHUB_ACTOR].find((v): v is string => typeof v === 'string' && GITHUB_LOGIN.test(v));
  const requester = (await a.text('requester', { message: 'Requester (your GitHub login)', ...(envLogin && typeof a.values.requester !== 'string' ? { default: envLogin } : {}), required: true, check: (v) => (GITHUB_LOGIN.test(v) ? undefined : `${v} is not a GitHub login`) }))!;
  const description = await a.text('description', { message: 'Description (empty for none)' });
  const doc = changeDocument({ id, title, type, ...(template ? { template } : {}), requester, services, configurationItems: cis, environment, start, end, ...(description ? { description } : {}), ...(justification ? { justification } : {}) });
  return { path: `changes/${id}.yaml`, kind: 'ChangeRequest', name: id, doc };
}

const INSTANT_CHECK = (v: string) => (OFFSET_INSTANT.test(v) && !Number.isNaN(Date.parse(v)) ? undefined : 'write a time with an offset, e.g. 2026-12-02T01:00:00+09:00');

async function planIncident(a: Asker, loaded: LoadedOrganisation, now: Date): Promise<Plan> {
  const { org, repo } = loaded;
  const existing = new Set(org.incidents.keys());
  // Files count too, even invalid ones: their id is taken.
  for (const f of repo.analyses) {
    const m = /(?:^|\/)(INC-\d{4}-\d{4})\.ya?ml$/.exec(f.file);
    if (m) existing.add(m[1]!);
  }
  const year = now.getFullYear();
  let id: string;
  if (typeof a.values.id === 'string') {
    if (!INCIDENT_ID.test(a.values.id)) throw new UsageError('--id must look like INC-2026-0042');
    if (existing.has(a.values.id)) throw new UsageError(`${a.values.id} already exists`);
    id = a.values.id;
  } else {
    try {
      id = nextIncidentId(existing, year);
    } catch (e) {
      if (e instanceof IncidentIdsUsedUp) throw new ExpectedFailure('new.incident-ids-used-up', `${e.message}; name a free id with --id INC-${year}-NNNN`);
      throw e;
    }
  }
  if (a.interactive) a.say(`Incident id: ${id}\n`);
  const title = (await a.text('title', { message: 'Title: what users see, in one line', required: true }))!;
  const meanings = activePolicy(org)?.doc.spec.incidents?.severities ?? {};
  const severity = await a.choose<IncidentSeverity>('severity', { message: 'Severity', choices: INCIDENT_SEVERITIES.map((s) => ({ value: s, ...(meanings[s] ? { description: meanings[s]!.description } : {}) })) });
  const status = await a.choose<IncidentStatus>('status', {
    message: 'Status',
    choices: [
      { value: 'investigating', name: 'investigating - cause not known yet' },
      { value: 'identified', name: 'identified - cause known (needs --detected-at)' },
    ],
    default: 'investigating',
  });
  const offset = -now.getTimezoneOffset();
  const startedAt = (await a.text('started-at', { message: 'When did the impact start? (ISO 8601 with offset)', default: formatInstant(Math.floor(now.getTime() / 60_000) * 60_000, offset), check: INSTANT_CHECK }))!;
  const detectedAt = await a.text('detected-at', { message: 'When was it detected? (empty for not yet known)', check: INSTANT_CHECK });
  const serviceNames = [...org.services.keys()].sort();
  const services = await a.many('services', { message: 'Affected services (space to pick, enter when done)', choices: serviceNames, check: (v) => (org.services.has(v) ? undefined : `${v} is not a known service`) });
  const cis = await a.many('cis', { message: 'Configuration items involved', choices: [...org.cis.keys()].sort(), check: (v) => (org.cis.has(v) ? undefined : `${v} is not a known configuration item`) });
  const envLogin = [a.values.commander, a.env.GITHUB_ACTOR].find((v): v is string => typeof v === 'string' && GITHUB_LOGIN.test(v));
  const commander = await a.text('commander', { message: 'Incident commander (a GitHub login; empty for none yet)', ...(envLogin && typeof a.values.commander !== 'string' ? { default: envLogin } : {}), check: (v) => (GITHUB_LOGIN.test(v) ? undefined : `${v} is not a GitHub login`) });
  const impact = await a.text('impact', { message: 'Customer impact in one line (empty for not yet known)' });
  const doc = incidentDocument({ id, title, severity, status, startedAt, ...(detectedAt ? { detectedAt } : {}), services, configurationItems: cis, ...(commander ? { commander } : {}), ...(impact ? { impact } : {}) });
  return { path: `incidents/${id}.yaml`, kind: 'Incident', name: id, doc };
}

/** The same checks `opsledger validate` runs, on the proposed file among all the others. */
function checkProposal(loaded: LoadedOrganisation, path: string, content: string): Diagnostic[] {
  const registry = schemaRegistry();
  const analysis = analyzeText(path, content, registry);
  const analyses = [...loaded.repo.analyses.filter((x) => x.file !== path), analysis];
  const bytes = Buffer.from(content);
  return validateRepository(analyses, { only: new Set([path]), source: (f) => (f === path ? bytes : loaded.repo.source(f)) }).diagnostics;
}

// No option has a parse-time default: an absent option is what makes a terminal ask for it;
// the defaults named here are those the questions offer.
const ASKED = 'asked on a terminal, else required';
const options = defineOptions({
  yes: { type: 'boolean', short: 'y', description: 'never prompt: take flags and defaults only' },
  force: { type: 'boolean', description: 'overwrite a file that exists' },
  'dry-run': { type: 'boolean', description: 'print the document; write nothing' },
  name: { type: 'string', description: 'the name (a DNS label); not for change', defaultText: ASKED, example: 'payments-api' },
  title: { type: 'string', description: 'the title (required for a change)', defaultText: 'made from the name (team, service)', example: 'Payments API' },
  description: { type: 'string', description: 'a one-line description (service, change)', defaultText: 'none', example: 'Takes card payments' },
  owner: { type: 'string', description: 'service, ci, system, domain, api: the owning team', defaultText: ASKED, example: 'payments' },
  tier: { type: 'string', description: 'service: 1 (most critical) to 4', defaultText: ASKED, example: '2' },
  exposure: { type: 'string', description: 'service: external, company, department or team', defaultText: ASKED, example: 'external' },
  lifecycle: { type: 'string', description: 'service, api: experimental, production or deprecated', defaultText: 'experimental', example: 'production' },
  'depends-on': { type: 'string', multiple: true, description: 'service: what it depends on (comma-separated or repeated)', defaultText: 'nothing', example: 'service:ledger,ci:payments-db' },
  repository: { type: 'string', description: 'service: the repository URL', defaultText: 'none', example: 'https://github.com/acme/payments-api' },
  system: { type: 'string', description: 'service, api: the system it is part of (empty for none)', defaultText: 'none (asked on a terminal)', example: 'checkout' },
  'provides-apis': { type: 'string', multiple: true, description: 'service: the APIs it provides (comma-separated or repeated)', defaultText: 'none', example: 'payments' },
  'consumes-apis': { type: 'string', multiple: true, description: 'service: the APIs it consumes (comma-separated or repeated)', defaultText: 'none', example: 'order-events' },
  domain: { type: 'string', description: 'system: the domain it is part of (empty for none)', defaultText: 'none (asked on a terminal)', example: 'commerce' },
  definition: { type: 'string', description: 'api: the URL of its definition (OpenAPI document, .proto, GraphQL schema)', defaultText: 'none', example: 'https://github.com/acme/payments-api/blob/main/openapi.yaml' },
  members: { type: 'string', description: 'team: GitHub logins, comma-separated', defaultText: 'none', example: 'alice,bob' },
  'github-team': { type: 'string', description: 'team: the GitHub team as org/slug', defaultText: 'none', example: 'acme/payments' },
  slack: { type: 'string', description: 'team: the Slack channel', defaultText: 'none', example: '#payments' },
  email: { type: 'string', description: 'team: the e-mail address', defaultText: 'none', example: 'payments@example.com' },
  class: { type: 'string', description: 'ci: the configuration item class (from the schema)', defaultText: ASKED, example: 'database' },
  service: { type: 'string', description: 'ci: the owning service', defaultText: 'none (shared infrastructure)', example: 'payments-api' },
  environment: { type: 'string', description: 'ci, change: the environment (a name or alias the policy declares)', defaultText: "the policy's first production environment", example: 'staging' },
  type: { type: 'string', description: 'change: normal, standard or emergency; api: openapi, asyncapi, graphql, grpc or other', defaultText: 'normal (change); asked (api)', example: 'standard' },
  template: { type: 'string', description: 'change: the standard-change template (type standard)', defaultText: ASKED, example: 'restart-pods' },
  justification: { type: 'string', description: 'change: why (required for an emergency change)', defaultText: 'none', example: 'Card payments are failing' },
  services: { type: 'string', multiple: true, description: 'change: affected services (comma-separated or repeated; a change names at least one service or CI)', defaultText: 'none', example: 'payments-api,ledger' },
  cis: { type: 'string', multiple: true, description: 'change: affected configuration items (comma-separated or repeated)', defaultText: 'none', example: 'payments-db' },
  start: { type: 'string', description: 'change: the start (ISO 8601 with an offset)', defaultText: 'tomorrow 10:00 local time', example: '2026-12-02T01:00:00+09:00' },
  end: { type: 'string', description: 'change: the end; or give --duration', defaultText: 'start + --duration', example: '2026-12-02T03:00:00+09:00' },
  duration: { type: 'string', description: 'change: how long, when --end is not given', defaultText: '1h', example: '30m' },
  requester: { type: 'string', description: 'change: the requester\'s GitHub login', defaultText: 'GITHUB_ACTOR, else asked', example: 'alice' },
  id: { type: 'string', description: 'change, incident: the id', defaultText: 'the next free CR-YYYY-NNNN or INC-YYYY-NNNN', example: 'CR-2026-0042' },
  severity: { type: 'string', description: "incident: sev1 (most severe) to sev4, on the policy's scale", defaultText: ASKED, example: 'sev2' },
  status: { type: 'string', description: 'incident: investigating or identified', defaultText: 'investigating', example: 'identified' },
  'started-at': { type: 'string', description: 'incident: when the impact began (ISO 8601 with an offset)', defaultText: 'now', example: '2026-12-02T01:20:00+09:00' },
  'detected-at': { type: 'string', description: 'incident: when it was noticed', defaultText: 'none', example: '2026-12-02T01:31:00+09:00' },
  commander: { type: 'string', description: 'incident: the incident commander\'s GitHub login', defaultText: 'GITHUB_ACTOR, else none', example: 'alice' },
  impact: { type: 'string', description: 'incident: what customers see, in one line', defaultText: 'none', example: 'Card payments fail for 30% of users' },
});

export const newSpec = defineCommand({
  name: 'new',
  summary: 'create a service, team, CI, change, incident, system, domain or API that validates on the first try (prompts on a terminal, flags for scripts)',
  usage: [
    'opsledger new service|team|ci|change|incident|system|domain|api [--yes] [--force] [--dry-run] [--name N] [--title T] [--description D]',
    '  service: --owner TEAM --tier 1-4 --exposure external|company|department|team [--lifecycle L] [--depends-on service:x,ci:y] [--repository URL]',
    '           [--system S] [--provides-apis a,b] [--consumes-apis c,d]',
    '  system:  --owner TEAM [--domain D]',
    '  domain:  --owner TEAM',
    '  api:     --type openapi|asyncapi|graphql|grpc|other --owner TEAM [--lifecycle L] [--system S] [--definition URL]',
    '  team:    [--members a,b] [--github-team org/slug] [--slack C] [--email E]',
    '  ci:      --class C [--service S] [--owner TEAM] [--environment E]',
    '  change:  --title T --requester LOGIN [--type normal|standard|emergency] [--template T] [--justification J]',
    '           [--services a,b] [--cis x,y] [--environment E] [--start ISO] [--end ISO | --duration 1h] [--id CR-YYYY-NNNN]',
    '  incident: --title T --severity sev1-4 [--status investigating|identified] [--started-at ISO] [--detected-at ISO]',
    '           [--services a,b] [--cis x,y] [--commander LOGIN] [--impact TEXT] [--id INC-YYYY-NNNN]',
  ],
  options,
  examples: [
    'opsledger new service',
    'opsledger new team --yes --name payments --members alice,bob',
    'opsledger new api --yes --name payments-v2 --type openapi --owner payments --lifecycle production --system checkout',
    'opsledger new service --yes --name payments-api --owner payments --tier 2 --exposure external --depends-on ci:payments-db',
    'opsledger new change --yes --title "Upgrade the payments database" --requester alice --services payments-api --start 2026-12-02T01:00:00+09:00 --duration 2h',
  ],
  run: newCommand,
});

export async function newCommand(ctx: CommandContext, values: OptionsOf<typeof options>, positionals: string[]): Promise<number> {
  const [what, ...extra] = positionals;
  if (!what || !(NEW_KINDS as readonly string[]).includes(what)) throw new UsageError(what ? `cannot create a "${what}"; use ${NEW_KINDS.join(', ')}` : `name what to create: ${NEW_KINDS.join(', ')}`);
  if (extra.length) throw new UsageError(`unexpected argument: ${extra[0]}`);
  const root = rootOf(ctx, values);
  if (!existsSync(root)) throw new UsageError(`no such folder: ${root}`);
  const interactive = !values.yes && ctx.isTTY && Boolean(process.stdin.isTTY);
  const prompts = interactive ? await import('@inquirer/prompts') : undefined;
  const ws = openWorkspace(root);
  const loaded = await loadOrganisation(ws.source);
  const asker = new Asker(prompts, values, ctx.stdout, ctx.env);

  let plan: Plan;
  try {
    if (what === 'team') plan = await planTeam(asker, loaded);
    else if (what === 'service') plan = await planService(asker, loaded);
    else if (what === 'ci') plan = await planCi(asker, loaded);
    else if (what === 'incident') plan = await planIncident(asker, loaded, new Date());
    else if (what === 'system') plan = await planSystem(asker, loaded);
    else if (what === 'domain') plan = await planDomain(asker, loaded);
    else if (what === 'api') plan = await planApi(asker, loaded);
    else plan = await planChange(asker, loaded, new Date());
  } catch (e) {
    // Ctrl+C or a closed terminal in a prompt: nothing was written.
    if (e instanceof Error && (e.name === 'ExitPromptError' || e.name === 'AbortPromptError')) {
      ctx.stderr('opsledger new: cancelled; nothing was written\n');
      return 2;
    }
    throw e;
  }

  const registry = schemaRegistry();
  const target = join(root, plan.path);
  const rendered = renderYaml([plan.doc], plan.append ? undefined : registry.schemaId('opsledger/v1', plan.kind));
  let content = rendered;
  if (plan.append) {
    const before = ws.readText(plan.path);
    if (before === undefined) throw new UsageError(`${plan.path} cannot be read (a link out of the repository, a FIFO or device, or over the size cap); nothing was written`);
    content = `${before}${before.endsWith('\n') ? '' : '\n'}---\n${rendered}`;
  }
  const problems = checkProposal(loaded, plan.path, content);
  const errors = problems.filter((d) => d.severity === 'error');
  if (errors.length) {
    for (const d of errors) ctx.stderr(`${plan.path}:${d.line}:${d.column}: ${d.code}: ${d.message}${d.hint ? ` (${d.hint})` : ''}\n`);
    throw new UsageError(`the new ${plan.kind} would not validate, so nothing was written`);
  }
  if (values['dry-run']) {
    ctx.stdout(plan.append ? rendered : content);
    return 0;
  }
  if (prompts) {
    const ok = await prompts.confirm({ message: `${plan.append ? 'Add to' : 'Write'} ${plan.path}?`, default: true }).catch(() => false);
    if (!ok) {
      ctx.stderr('opsledger new: nothing was written\n');
      return 2;
    }
  }
  try {
    if (plan.append) writeFileAtomic(target, content);
    else writeFiles(root, [{ path: plan.path, content }], { force: Boolean(values.force) });
  } catch (e) {
    if (e instanceof FileExistsError) throw new UsageError(`${plan.path} already exists; pass --force to overwrite it`);
    throw e;
  }
  ctx.stdout(`${plan.append ? 'Added' : 'Wrote'} ${plan.kind} ${plan.name} to ${plan.path}\n`);
  for (const d of problems) ctx.stdout(`  ${d.severity}: ${d.code}: ${d.message}\n`);
  if (plan.kind === 'ChangeRequest') ctx.stdout(`Next: fill in the plan, then run \`opsledger risk ${plan.name}\`.\n`);
  if (plan.kind === 'Incident') ctx.stdout(`Next: \`opsledger incident timeline ${plan.name} --add "..."\` as it happens.\n`);
  return 0;
}
