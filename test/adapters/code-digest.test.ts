import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CODE_DIGEST_FILE, codeDigestOf, recordedCodeDigest, writeCodeDigest } from '../../src/adapters/fs/version.js';

/**
 * The build records the core's digest (every cache key holds it) so that a run need not read
 * dist/core/. The record may be used only while every file it vouches for is exactly as it was;
 * a rebuilt, edited, added or removed file, or a hand-edited record, means reading the core.
 */
function build(): string {
  const dist = mkdtempSync(join(tmpdir(), 'opsledger-digest-'));
  mkdirSync(join(dist, 'core', 'checks'), { recursive: true });
  writeFileSync(join(dist, 'core', 'analyze.js'), 'export const a = 1;\n');
  writeFileSync(join(dist, 'core', 'analyze.js.map'), '{}');
  writeFileSync(join(dist, 'core', 'checks', 'rule.js'), 'export const r = 2;\n');
  return dist;
}

/** The digest a run computes with no record at all. */
const readAfresh = (dist: string) => {
  const record = join(dist, CODE_DIGEST_FILE);
  const kept = readFileSync(record);
  rmSync(record);
  try {
    return codeDigestOf(dist);
  } finally {
    writeFileSync(record, kept);
  }
};

const ns = (p: string) => statSync(p, { bigint: true }).mtimeNs;
const touchTo = (p: string, t: bigint) => execFileSync('touch', ['-m', '-d', `@${t / 1_000_000_000n}.${String(t % 1_000_000_000n).padStart(9, '0')}`, p]);

const CHANGES: [string, (dist: string) => void][] = [
  [
    'a file rewritten with other bytes of the same size, mtime put back',
    (dist) => {
      const p = join(dist, 'core', 'checks', 'rule.js');
      const t = ns(p);
      writeFileSync(p, 'export const r = 3;\n');
      touchTo(p, t);
    },
  ],
  ['a file added', (dist) => writeFileSync(join(dist, 'core', 'checks', 'more.js'), 'export {};\n')],
  ['a file removed', (dist) => rmSync(join(dist, 'core', 'checks', 'rule.js'))],
  ['a folder added with a file', (dist) => (mkdirSync(join(dist, 'core', 'extra')), writeFileSync(join(dist, 'core', 'extra', 'x.js'), 'export {};\n'))],
];

const HAND_EDITS: [string, (record: { digest: string; files: string[]; seal: string }) => unknown][] = [
  ['another digest', (r) => ({ ...r, digest: '0123456789abcdef' })],
  ['stats that no file has', (r) => ({ ...r, files: r.files.map((f) => f.replace(/\0\d+\0/, '\u00001\u0000')) })],
  ['no seal', ({ seal: _s, ...r }) => r],
  ['not JSON', () => '{'],
  ['a digest that is not one', (r) => ({ ...r, digest: '../../etc' })],
];

describe('the recorded code digest', () => {
  it('is the digest reading the core gives, and is used while the core stands', () => {
    const dist = build();
    const written = writeCodeDigest(dist);
    expect(recordedCodeDigest(dist)).toBe(written);
    expect(codeDigestOf(dist)).toBe(written);
    expect(readAfresh(dist)).toBe(written);
  });

  it.each(CHANGES)('is passed over after %s: the key moves with the code', (_name, change) => {
    const dist = build();
    const before = writeCodeDigest(dist);
    change(dist);
    expect(recordedCodeDigest(dist)).toBeUndefined();
    expect(codeDigestOf(dist)).toBe(readAfresh(dist));
    expect(codeDigestOf(dist)).not.toBe(before);
  });

  it('is passed over when the same bytes are written again (as tsc does), though the digest is the same', () => {
    const dist = build();
    const before = writeCodeDigest(dist);
    const p = join(dist, 'core', 'analyze.js');
    writeFileSync(p, readFileSync(p));
    expect(recordedCodeDigest(dist)).toBeUndefined();
    expect(codeDigestOf(dist)).toBe(before);
  });

  it.each(HAND_EDITS)('is passed over when hand-edited: %s', (_name, edit) => {
    const dist = build();
    const truth = writeCodeDigest(dist);
    const path = join(dist, CODE_DIGEST_FILE);
    const edited = edit(JSON.parse(readFileSync(path, 'utf8')));
    writeFileSync(path, typeof edited === 'string' ? edited : JSON.stringify(edited));
    expect(recordedCodeDigest(dist)).toBeUndefined();
    expect(codeDigestOf(dist)).toBe(truth);
  });

  it('ignores what is not code (source maps) as reading the core does', () => {
    const dist = build();
    const before = writeCodeDigest(dist);
    writeFileSync(join(dist, 'core', 'analyze.js.map'), '{"changed":true}');
    expect(recordedCodeDigest(dist)).toBe(before);
    expect(readAfresh(dist)).toBe(before);
  });
});
