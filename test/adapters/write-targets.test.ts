import { execFileSync } from 'node:child_process';
import { lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UnsafeWriteTargetError, type UnsafeTarget } from '../../src/adapters/fs/atomic-write.js';
import type { CommandContext } from '../../src/cli/context.js';
import { appendJobSummary, writeReport } from '../../src/cli/github/session.js';

/**
 * Every writer, at a path where something other than a regular file stands: it writes through
 * to what the user named, or refuses with UnsafeWriteTargetError (exit 2); it never replaces it.
 */
interface Target {
  path: string;
  /** What stands there, to compare after the run. */
  look: () => unknown;
  /** Where a write through a link would land. */
  through?: string;
}

function describeEntry(path: string): unknown {
  const st = lstatSync(path);
  if (st.isSymbolicLink()) return ['link', readlinkSync(path)];
  if (st.isFIFO()) return ['fifo'];
  if (st.isCharacterDevice()) return ['char device'];
  if (st.isDirectory()) return ['folder'];
  return ['file', readFileSync(path, 'utf8')];
}

const TARGETS: [string, UnsafeTarget, (dir: string) => Target][] = [
  [
    'a symbolic link',
    'symbolic link',
    (dir) => {
      writeFileSync(join(dir, 'elsewhere.txt'), 'precious\n');
      symlinkSync(join(dir, 'elsewhere.txt'), join(dir, 'out'));
      return { path: join(dir, 'out'), look: () => [describeEntry(join(dir, 'out')), readFileSync(join(dir, 'elsewhere.txt'), 'utf8')], through: join(dir, 'elsewhere.txt') };
    },
  ],
  [
    'a FIFO',
    'FIFO',
    (dir) => {
      execFileSync('mkfifo', [join(dir, 'out')]);
      return { path: join(dir, 'out'), look: () => describeEntry(join(dir, 'out')) };
    },
  ],
  ['the device /dev/null', 'character device', () => ({ path: '/dev/null', look: () => describeEntry('/dev/null') })],
  [
    'a folder',
    'folder',
    (dir) => {
      mkdirSync(join(dir, 'out'));
      return { path: join(dir, 'out'), look: () => describeEntry(join(dir, 'out')) };
    },
  ],
];

const ctxIn = (dir: string, env: Record<string, string> = {}): CommandContext => ({ stdout: () => {}, stderr: () => {}, cwd: dir, env, isTTY: false });

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e instanceof UnsafeWriteTargetError ? ['refused', e.found] : ['other', (e as Error).message];
  }
  return ['written'];
}

describe('writers never replace what stands at their target', () => {
  it.each(TARGETS)('--report at %s: UnsafeWriteTargetError, left as it was', (_name, kind, make) => {
    const dir = mkdtempSync(join(tmpdir(), 'opsledger-target-'));
    const t = make(dir);
    const before = t.look();
    expect(thrown(() => writeReport(ctxIn(dir), { report: t.path }, { allowed: true }))).toEqual(['refused', kind]);
    expect(t.look()).toEqual(before);
  });

  // The runner names the job summary, so a link is its choice and is written through.
  it.each(TARGETS)('GITHUB_STEP_SUMMARY at %s: appended through a link, else refused without blocking', (_name, kind, make) => {
    const dir = mkdtempSync(join(tmpdir(), 'opsledger-target-'));
    const t = make(dir);
    const outcome = thrown(() => appendJobSummary(ctxIn(dir, { GITHUB_STEP_SUMMARY: t.path }), '### summary'));
    if (t.through) {
      expect(outcome).toEqual(['written']);
      expect([describeEntry(t.path), readFileSync(t.through, 'utf8')]).toEqual([['link', t.through], 'precious\n### summary\n']);
    } else {
      expect(outcome).toEqual(['refused', kind]);
    }
  });
});

// The CLI writers at these targets (calendar --ics, record at the change file) are in test/hostile/lost-data.test.ts.
