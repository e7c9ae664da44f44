import type { EnvironmentDeclaration, PolicySpec } from './model.js';

/**
 * The environments the policy declares, as every rule reads them. A change may write `prod`;
 * freeze scopes, factor points, the gate, metrics and the catalog all see `production`, so a
 * spelling can never move a change out of a rule. This is the only place that answers "which
 * environment is this" and "is it production".
 */
export interface Environments {
  /** The canonical name of a declared name or alias; undefined for anything undeclared. */
  canonical(name: string): string | undefined;
  /** True when the name (or alias) is a production environment. */
  isProduction(name: string): boolean;
  /** Every spelling of the environment a name stands for (canonical first); [name] when undeclared. */
  spellings(name: string): string[];
  /** Every declared name and alias, for did-you-mean suggestions. */
  readonly written: readonly string[];
  /** The canonical names, in declaration order. */
  readonly names: readonly string[];
  /** The canonical names of production environments. */
  readonly production: readonly string[];
}

const cache = new WeakMap<object, Environments>();

export function declaredEnvironments(list: readonly EnvironmentDeclaration[]): Environments {
  const byWritten = new Map<string, EnvironmentDeclaration>();
  // The first declaration of a spelling wins; a repeated one is a validate error (environment.duplicate).
  for (const e of list) for (const n of [e.name, ...(e.aliases ?? [])]) if (!byWritten.has(n)) byWritten.set(n, e);
  const of = (name: string) => byWritten.get(name);
  return {
    canonical: (name) => of(name)?.name,
    isProduction: (name) => of(name)?.production === true,
    spellings: (name) => {
      const e = of(name);
      return e ? [e.name, ...(e.aliases ?? []).filter((a) => a !== e.name)] : [name];
    },
    written: [...byWritten.keys()],
    names: list.map((e) => e.name),
    production: list.filter((e) => e.production === true).map((e) => e.name),
  };
}

/** The policy's environments (computed once per policy object). */
export function environmentsOf(policy: Pick<PolicySpec, 'environments'>): Environments {
  let envs = cache.get(policy);
  if (!envs) {
    envs = declaredEnvironments(policy.environments ?? []);
    cache.set(policy, envs);
  }
  return envs;
}

/** The canonical name, or the name as written when the policy does not declare it (validate has said so). */
export function canonicalEnvironment(policy: Pick<PolicySpec, 'environments'>, name: string): string {
  return environmentsOf(policy).canonical(name) ?? name;
}

/** The points table of a factor keyed by environment, read through canonical names. */
export function environmentPoints(policy: PolicySpec, name: string): number | undefined {
  const table = policy.likelihood.factors.environment;
  if (!table) return undefined;
  const envs = environmentsOf(policy);
  const want = envs.canonical(name) ?? name;
  for (const [key, points] of Object.entries(table)) if ((envs.canonical(key) ?? key) === want) return points;
  return undefined;
}
