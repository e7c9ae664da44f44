import { declaredEnvironments, environmentsOf, type Environments } from '../core/environments.js';
import { activePolicy, type Organisation } from '../core/organisation.js';
import { didYouMean } from '../core/suggest.js';
import { UsageError } from './context.js';

/** The environments of the organisation's policy; none declared without a policy. */
export function policyEnvironments(org: Organisation): Environments {
  const policy = activePolicy(org)?.doc.spec;
  return policy ? environmentsOf(policy) : declaredEnvironments([]);
}

/**
 * An environment given on the command line, checked against the policy like one written in a
 * file: every spelling of the environment it names (canonical first), or a usage error with a
 * suggestion. Without a policy nothing is declared, and the name is taken as written.
 */
export function environmentFlag(envs: Environments, flag: string, value: string): string[] {
  if (!envs.names.length) return [value];
  if (envs.canonical(value) === undefined) {
    const hint = didYouMean(value, envs.written);
    throw new UsageError(`${flag} "${value}" is not an environment the policy declares (${envs.names.join(', ')})${hint ? `; ${hint}` : ''}`);
  }
  return envs.spellings(value);
}

/** The answer check for an environment typed into `new`: a message, or undefined when the policy declares it. */
export function environmentAnswer(envs: Environments, value: string): string | undefined {
  if (!envs.names.length || envs.canonical(value) !== undefined) return undefined;
  const hint = didYouMean(value, envs.written);
  return `"${value}" is not an environment the policy declares (${envs.names.join(', ')})${hint ? `; ${hint}` : ''}`;
}

/** What `new` offers when no environment is given: the policy's first production environment. */
export function defaultEnvironment(envs: Environments): string {
  return envs.production[0] ?? envs.names[0] ?? 'production';
}
