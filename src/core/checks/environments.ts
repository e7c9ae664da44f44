import { joinPointer } from '../diagnostics.js';
import { declaredEnvironments, type Environments } from '../environments.js';
import type { DocRecord } from '../facts.js';
import { didYouMean } from '../suggest.js';
import type { CrossFinding, FileRecords } from './references.js';

/**
 * The policy as a contract over the other documents: exactly one Policy, environments declared
 * once each, and every environment written anywhere declared by it.
 */
export interface PolicyEntry {
  file: string;
  record: DocRecord & { facts: { kind: 'Policy' } };
}

/** Every Policy record in file order; the first is the one in force (validate refuses the rest). */
export function policies(files: readonly FileRecords[]): PolicyEntry[] {
  const out: PolicyEntry[] = [];
  for (const f of files) for (const record of f.documents) if (record.facts.kind === 'Policy') out.push({ file: f.file, record: record as PolicyEntry['record'] });
  return out;
}

function where(e: PolicyEntry): string {
  return `${e.file}${e.record.index ? ` (document ${e.record.index + 1})` : ''}`;
}

/**
 * Two Policy documents would leave the rules to whichever file sorts first: every Policy after
 * the first is an error at its own position naming the first, so the run stops instead of
 * picking one in silence.
 */
export function checkSinglePolicy(files: readonly FileRecords[], found: readonly PolicyEntry[] = policies(files)): CrossFinding[] {
  const [first, ...more] = found;
  return more.map((p) => ({
    file: p.file,
    document: p.record.index,
    pointer: '/kind',
    target: 'value' as const,
    severity: 'error' as const,
    code: 'policy.duplicate',
    message: `a second Policy ("${p.record.name}"); exactly one is in force, and "${first!.record.name}" in ${where(first!)} is already one`,
  }));
}

/** The environments of the policy in force, as validation sees it; undefined without a usable list. */
export function recordEnvironments(files: readonly FileRecords[], first: PolicyEntry | undefined = policies(files)[0]): Environments | undefined {
  const list = first?.record.facts.environments;
  if (!list) return undefined;
  return declaredEnvironments(list.filter((e) => e.name !== '').map((e) => ({ name: e.name, aliases: e.aliases.filter(Boolean) })));
}

interface Use {
  pointer: string;
  name: string;
  target: 'key' | 'value';
}

/** Whether checkEnvironments reads this record: it writes an environment, or it may be the policy. */
export function readsEnvironments(record: DocRecord): boolean {
  const f = record.facts;
  switch (f.kind) {
    case 'ChangeRequest':
    case 'ConfigurationItem':
      return f.environment !== undefined;
    case 'StandardChange':
      return (f.environments?.length ?? 0) > 0;
    case 'ChangeCalendar':
    case 'Policy':
      return true;
    default:
      return false;
  }
}

/** Every place a document writes an environment (none for a record readsEnvironments passes over). */
function uses(record: DocRecord): Use[] {
  const f = record.facts;
  const value = (pointer: string, name: string): Use => ({ pointer, name, target: 'value' });
  switch (f.kind) {
    case 'ChangeRequest':
    case 'ConfigurationItem':
      return f.environment !== undefined ? [value('/spec/environment', f.environment)] : [];
    case 'StandardChange':
      return (f.environments ?? []).map((e, i) => value(joinPointer('/spec/covers/environments', i), e));
    case 'ChangeCalendar':
      return f.scopes.flatMap((scope, i) => scope.map((e, j) => value(joinPointer('/spec/windows', i, 'scope', 'environments', j), e)));
    case 'Policy':
      return (f.environmentPoints ?? []).map((key) => ({ pointer: joinPointer('/spec/likelihood/factors/environment', key), name: key, target: 'key' }));
    default:
      return [];
  }
}

/**
 * `policy`: the policy in force when `files` are only some of the organisation's: a run that
 * checks again only the documents an edit can reach, where its own declarations are not checked
 * (they are the policy document's, and it is not among them), or every record this rule reads
 * (readsEnvironments), with `declarations`; `envs` is then its recordEnvironments, when the
 * caller has it. Each file's findings depend on that file and the policy alone.
 */
export function checkEnvironments(files: readonly FileRecords[], policy?: { first: PolicyEntry | undefined; declarations?: boolean; envs?: Environments }): CrossFinding[] {
  const out: CrossFinding[] = [];
  const first = policy ? policy.first : policies(files)[0];
  const declared = first?.record.facts.environments;
  if (!first || !declared) return out; // no policy, or one without environments: its own finding says so
  const envs = policy?.envs ?? recordEnvironments(files, first)!;

  const seen = new Map<string, string>();
  if (!policy || policy.declarations) declared.forEach((e, i) => {
    const spellings: [string, string][] = [[joinPointer('/spec/environments', i, 'name'), e.name], ...e.aliases.map((a, j): [string, string] => [joinPointer('/spec/environments', i, 'aliases', j), a])];
    for (const [pointer, name] of spellings) {
      if (!name) continue;
      const earlier = seen.get(name);
      if (earlier !== undefined) {
        out.push({ file: first.file, document: first.record.index, pointer, target: 'value', severity: 'error', code: 'environment.duplicate', message: `environment "${name}" is already declared at ${earlier}: one spelling, one environment` });
      } else seen.set(name, pointer);
    }
  });

  const pointsFor = new Map<string, string>();
  for (const f of files) {
    for (const record of f.documents) {
      for (const use of uses(record)) {
        const canonical = envs.canonical(use.name);
        if (canonical === undefined) {
          const hint = didYouMean(use.name, envs.written);
          out.push({
            file: f.file,
            document: record.index,
            pointer: use.pointer,
            target: use.target,
            severity: 'error',
            code: 'environment.unknown',
            message: `"${use.name}" is not an environment the policy declares (${envs.names.join(', ')})`,
            ...(hint ? { hint } : {}),
          });
          continue;
        }
        if (record === first.record && use.target === 'key') {
          const other = pointsFor.get(canonical);
          if (other !== undefined) {
            out.push({ file: f.file, document: record.index, pointer: use.pointer, target: 'key', severity: 'error', code: 'environment.duplicate', message: `"${use.name}" and "${other}" are both ${canonical}: give its points once` });
          } else pointsFor.set(canonical, use.name);
        }
      }
    }
  }
  return out;
}
