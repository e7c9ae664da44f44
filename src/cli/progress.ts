import type { ProgressReport, ProgressStep } from '../app/ports/progress.js';
import type { CommandContext } from './context.js';

/**
 * One line on stderr that says how far a long command has got, rewritten in place and erased
 * when the work is done, so what is left on the screen is the command's output alone. Shown
 * only to a person watching: stdout and stderr both terminals, not in CI (`CI` set, as every CI
 * service sets it) and not with `--quiet`. Anywhere else nothing is written, not even a newline.
 */
export interface TerminalProgress {
  /** Undefined when progress is not shown: use cases then skip reporting altogether. */
  report: ProgressReport | undefined;
  /** Erases the line (before the command prints its result). */
  end(): void;
}

const LABEL: Record<ProgressStep, string> = { read: 'reading files', render: 'writing pages', import: 'checking documents' };
/** Often enough to look alive, rarely enough that redrawing costs nothing next to the work. */
const INTERVAL_MS = 100;
const CLEAR = '\r\x1b[2K';

export function showsProgress(ctx: Pick<CommandContext, 'isTTY' | 'stderrIsTTY' | 'env'>, quiet: boolean): boolean {
  return !quiet && ctx.isTTY && ctx.stderrIsTTY === true && !ctx.env.CI;
}

export function terminalProgress(ctx: CommandContext, command: string, quiet: boolean): TerminalProgress {
  if (!showsProgress(ctx, quiet)) return { report: undefined, end: () => {} };
  let shown = false;
  let last = 0;
  let lastStep: ProgressStep | undefined;
  return {
    report(step, done, total) {
      const now = Date.now();
      // A new step and a finished one are shown at once; in between, at most every INTERVAL_MS.
      if (step === lastStep && now - last < INTERVAL_MS && done < total) return;
      last = now;
      lastStep = step;
      const percent = total > 0 ? Math.floor((100 * done) / total) : 100;
      ctx.stderr(`${CLEAR}opsledger ${command}: ${LABEL[step]} ${done}/${total} (${percent}%)`);
      shown = true;
    },
    end() {
      if (shown) ctx.stderr(CLEAR);
      shown = false;
    },
  };
}
