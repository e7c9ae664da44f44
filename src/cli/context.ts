import { resolve } from 'node:path';
import { InputError } from '../app/errors.js';

export interface CommandContext {
  stdout(text: string): void;
  /**
   * Waits until stdout has taken what was written (false once it is closed). Long outputs go
   * through `writeOut` (output.ts), which calls it between chunks; absent, nothing waits.
   */
  drain?(): Promise<boolean>;
  stderr(text: string): void;
  cwd: string;
  env: Record<string, string | undefined>;
  isTTY: boolean;
}

/** Wrong flags or arguments: exit code 2 with the command's usage (as is any InputError from a use case). */
export class UsageError extends InputError {
  override name = 'UsageError';
}

export function rootOf(ctx: CommandContext, values: Record<string, unknown>): string {
  return resolve(ctx.cwd, typeof values.root === 'string' ? values.root : '.');
}

export function positiveInt(value: unknown, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--${flag} takes a positive whole number`);
  return n;
}
