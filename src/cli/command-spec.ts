import { parseArgs } from 'node:util';
import { closest } from '../core/suggest.js';
import { UsageError, type CommandContext } from './context.js';

/**
 * A command's declaration: what `opsledger help <command>` prints and what the one parse in
 * main.ts checks, next to the function that runs it. Options are typed from the declaration,
 * so a command reads `opts.format` as `'text' | 'json'` instead of testing `typeof` itself.
 */

interface OptionBase {
  /** One letter: `-f` for `--format`. */
  short?: string;
  /** One line for the help, lower case, no final full stop. */
  description: string;
}

export interface StringOption extends OptionBase {
  type: 'string';
  multiple?: false;
  default?: string;
  /** The only values accepted; the parse refuses others with exit 2. */
  choices?: readonly string[];
  /** What an absent option means when the command decides it (e.g. "now"): help only. */
  defaultText?: string;
  /** A value to show in the help, e.g. `2026-12-02T01:00:00+09:00`. */
  example: string;
}

export interface ListOption extends OptionBase {
  type: 'string';
  multiple: true;
  default?: readonly string[];
  choices?: readonly string[];
  defaultText?: string;
  example: string;
}

export interface FlagOption extends OptionBase {
  type: 'boolean';
  multiple?: false;
}

export type OptionSpec = StringOption | ListOption | FlagOption;
export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

/** Options every command takes. */
export const COMMON_OPTIONS = {
  root: { type: 'string', description: 'the organisation repository', defaultText: 'the current folder', example: '../org' },
  help: { type: 'boolean', short: 'h', description: 'print this help' },
} as const satisfies OptionSpecs;

type ChoiceOf<O> = O extends { choices: readonly (infer C extends string)[] } ? C : string;

/** The parsed value of one option: defaults make strings definite, lists are empty when absent. */
export type OptionValue<O> = O extends { type: 'boolean' }
  ? boolean
  : O extends { multiple: true }
    ? ChoiceOf<O>[]
    : O extends { default: string }
      ? ChoiceOf<O>
      : ChoiceOf<O> | undefined;

export type OptionsOf<S extends OptionSpecs> = {
  -readonly [K in keyof S | keyof typeof COMMON_OPTIONS]: K extends keyof S ? OptionValue<S[K]> : K extends keyof typeof COMMON_OPTIONS ? OptionValue<(typeof COMMON_OPTIONS)[K]> : never;
};

export interface CommandSpec<S extends OptionSpecs = OptionSpecs> {
  name: string;
  summary: string;
  /** Each a full `opsledger ...` line, or an indented detail line under the one before. */
  usage: readonly string[];
  options: S;
  /** Full command lines, each shown under Examples. */
  examples: readonly string[];
  // Method syntax: a registry of specs with different option sets holds them all.
  run(ctx: CommandContext, opts: OptionsOf<S>, positionals: string[]): Promise<number>;
}

/** Keeps the literal types of choices and defaults, which the typed options are made from. */
export function defineOptions<const S extends OptionSpecs>(options: S): S {
  return options;
}

export function defineCommand<S extends OptionSpecs>(spec: CommandSpec<S>): CommandSpec<S> {
  return spec;
}

export function allOptions(spec: CommandSpec): OptionSpecs {
  return { ...spec.options, ...COMMON_OPTIONS };
}

/** The values options take when they are not given. */
export function defaultOptions<S extends OptionSpecs>(spec: CommandSpec<S>): OptionsOf<S> {
  const out: Record<string, unknown> = {};
  for (const [name, o] of Object.entries(allOptions(spec))) {
    if (o.type === 'boolean') out[name] = false;
    else if (o.multiple) out[name] = [...(o.default ?? [])];
    else out[name] = o.default;
  }
  return out as OptionsOf<S>;
}

export function usageText(spec: Pick<CommandSpec, 'usage'>): string {
  const [first = '', ...rest] = spec.usage;
  return ['Usage: ' + first, ...rest.map((l) => ' '.repeat('Usage: '.length) + l)].join('\n');
}

function listed(values: readonly string[]): string {
  return values.join(', ');
}

function checkChoice(name: string, value: string, choices: readonly string[]): void {
  if (choices.includes(value)) return;
  const near = closest(value, choices);
  throw new UsageError(`unknown ${name} "${value}"; use one of ${listed(choices)}${near ? `; did you mean "${near}"?` : ''}`);
}

export interface ParsedCommandLine<S extends OptionSpecs> {
  options: OptionsOf<S>;
  positionals: string[];
}

/**
 * The one parse of a command's arguments (strict: unknown options are usage errors). Defaults
 * are filled in and choices checked here; with --help nothing else is checked, so the help is
 * printed whatever else the line says.
 */
export function parseCommandLine<S extends OptionSpecs>(spec: CommandSpec<S>, args: string[]): ParsedCommandLine<S> {
  const declared = allOptions(spec);
  const config: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> = {};
  for (const [name, o] of Object.entries(declared)) {
    config[name] = { type: o.type, ...(o.short ? { short: o.short } : {}), ...(o.multiple ? { multiple: true } : {}) };
  }
  let parsed: { values: Record<string, string | boolean | (string | boolean)[] | undefined>; positionals: string[] };
  try {
    parsed = parseArgs({ args, options: config, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const options: Record<string, unknown> = defaultOptions(spec);
  for (const [name, value] of Object.entries(parsed.values)) if (value !== undefined) options[name] = value;
  if (!options.help) {
    for (const [name, o] of Object.entries(declared)) {
      if (o.type !== 'string' || !o.choices) continue;
      const value = options[name] as string | string[] | undefined;
      for (const v of Array.isArray(value) ? value : value === undefined ? [] : [value]) checkChoice(name, v, o.choices);
    }
  }
  return { options: options as OptionsOf<S>, positionals: parsed.positionals };
}

/** Whether the command line gave an option, now that absent ones hold false or [] too. */
export function isGiven(value: unknown): boolean {
  return value !== undefined && value !== false && !(Array.isArray(value) && value.length === 0);
}
