import { resolve } from 'node:path';
import { InputError } from '../app/errors.js';
import { checkRoot, findRoot, RootError } from '../adapters/fs/find-root.js';

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
  /** stdout is a terminal. */
  isTTY: boolean;
  /** stderr is a terminal (where progress would be drawn); unknown counts as not. */
  stderrIsTTY?: boolean;
}

/** Wrong flags or arguments: exit code 2 with the command's usage (as is any InputError from a use case). */
export class UsageError extends InputError {
  override name = 'UsageError';
}

/**
 * The organisation root: `--root` when given (it must be a folder that can be listed), else
 * found by walking up from the current folder (see findRoot). Every command asks here, so they
 * all read the same organisation from the same place.
 */
export function rootOf(ctx: CommandContext, values: Record<string, unknown>): string {
  if (typeof values.root !== 'string') return findRoot(ctx.cwd);
  if (values.root === '') throw new UsageError('--root needs a folder');
  try {
    return checkRoot(resolve(ctx.cwd, values.root));
  } catch (e) {
    if (e instanceof RootError) throw new UsageError(`--root: ${e.message}`);
    throw e;
  }
}

export function positiveInt(value: unknown, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--${flag} takes a positive whole number`);
  return n;
}
