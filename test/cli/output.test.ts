import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main.js';
import { writeJson, writeJsonArray, writeOut } from '../../src/cli/output.js';
import type { CommandContext } from '../../src/cli/context.js';
import { jsonArrayChunks, jsonChunks } from '../../src/report/json-chunks.js';
import { CHANGE_ON_ROOT, shapeOrg, starEdges } from '../helpers/shape-org.js';

/** A stdout that refuses any one write longer than `cap` characters, as a bounded pipe would. */
function cappedSink(cap: number) {
  const chunks: string[] = [];
  const ctx: CommandContext = {
    stdout: (s) => {
      if (s.length > cap) throw new Error(`one write of ${s.length} characters; the cap is ${cap}`);
      chunks.push(s);
    },
    stderr: () => {},
    cwd: '.',
    env: {},
    isTTY: false,
  };
  return { ctx, chunks, text: () => chunks.join('') };
}

describe('JSON in chunks', () => {
  it('joins into exactly what JSON.stringify(value, null, 2) gives, for any value and chunk size', () => {
    const odd = fc.constantFrom<unknown>(undefined, Number.NaN, -0, Infinity, new Date(0), { toJSON: () => 'swapped' }, Object(5), Object('boxed'), () => 1, [undefined, () => 2], { gone: undefined, kept: 1 }, '\u2028"\\\n');
    const value = fc.letrec((tie) => ({
      value: fc.oneof({ depthSize: 'small' }, fc.jsonValue({ maxDepth: 2 }), odd, fc.array(tie('value'), { maxLength: 4 }), fc.dictionary(fc.string({ maxLength: 6 }), tie('value'), { maxKeys: 4 })),
    })).value;
    fc.assert(
      fc.property(value, fc.integer({ min: 1, max: 40 }), (v, size) => {
        expect([...jsonChunks(v, size)].join('')).toBe(JSON.stringify(v, null, 2) ?? '');
        if (Array.isArray(v)) expect([...jsonArrayChunks(v, size)].join('')).toBe(JSON.stringify(v, null, 2));
      }),
      { numRuns: 400 },
    );
  });

  it('takes each item of a lazy array only when it writes it', () => {
    const made: number[] = [];
    const items = (function* () {
      for (let i = 0; i < 3; i++) {
        made.push(i);
        yield { i, pad: 'x'.repeat(20) };
      }
    })();
    const chunks = jsonArrayChunks(items, 10);
    chunks.next();
    expect(made).toEqual([0]);
    expect([...chunks].length).toBeGreaterThan(1);
    expect(made).toEqual([0, 1, 2]);
  });

  it('writes in chunks of bounded size, waits for the sink between them, and stops when it closes', async () => {
    const { ctx, chunks, text } = cappedSink(70_000);
    const value = Array.from({ length: 5000 }, (_, i) => ({ ref: `service:s${i}`, path: ['a', 'b', `s${i}`] }));
    let waits = 0;
    ctx.drain = () => Promise.resolve(++waits > 0);
    expect(await writeJson(ctx, value)).toBe(true);
    expect(text()).toBe(JSON.stringify(value, null, 2) + '\n');
    expect(chunks.length).toBeGreaterThan(3);
    expect(waits).toBe(chunks.length);

    const closed = cappedSink(70_000);
    closed.ctx.drain = () => Promise.resolve(false);
    let made = 0;
    const lazy = (function* () {
      for (let i = 0; i < 5000; i++, made++) yield value[i];
    })();
    expect(await writeJsonArray(closed.ctx, lazy)).toBe(false);
    // One chunk went out, then the closed sink stopped the writing (and the making).
    expect(closed.chunks.length).toBe(1);
    expect(made).toBeLessThan(5000);
    expect(await writeOut(closed.ctx, ['a', 'b'])).toBe(false);
  });
});

describe('risk output larger than one write', () => {
  it('streams a JSON report of thousands of blast-radius rows in bounded writes, the same bytes as one string', async () => {
    const root = shapeOrg(starEdges(3000), CHANGE_ON_ROOT);
    const { ctx, chunks, text } = cappedSink(100_000);
    const code = await run(['risk', 'CR-2026-0500', 'CR-2026-0001', '--all', '--format', 'json', '--root', root, '--at', '2026-12-01T00:00:00Z'], { ...ctx, cwd: root });
    expect(code).toBe(0);
    const out = text();
    expect(out.length).toBeGreaterThan(400_000);
    expect(chunks.length).toBeGreaterThan(4);
    const reports = JSON.parse(out) as { change: string; blastRadius: unknown[]; blastRadiusTotal?: number }[];
    expect(out).toBe(JSON.stringify(reports, null, 2) + '\n');
    const mine = reports.find((r) => r.change === 'CR-2026-0500')!;
    expect([mine.blastRadius.length, mine.blastRadiusTotal]).toEqual([3001, undefined]);
  });

  it('cuts each blast radius at the limit and says so, with the total', async () => {
    const root = shapeOrg(starEdges(30), CHANGE_ON_ROOT);
    let stderr = '';
    const { ctx, text } = cappedSink(100_000);
    const code = await run(['risk', 'CR-2026-0500', '--limit', '10', '--format', 'json', '--root', root, '--at', '2026-12-01T00:00:00Z'], { ...ctx, stderr: (s) => void (stderr += s), cwd: root });
    expect(code).toBe(0);
    const report = JSON.parse(text()) as { blastRadius: unknown[]; blastRadiusTotal?: number };
    expect([report.blastRadius.length, report.blastRadiusTotal]).toEqual([10, 31]);
    expect(stderr).toContain('listed the nearest 10 blast-radius rows of CR-2026-0500 (blastRadiusTotal counts them all); --limit N lists more, --all lists every one');
    const textRun = cappedSink(100_000);
    await run(['risk', 'CR-2026-0500', '--limit', '10', '--root', root, '--at', '2026-12-01T00:00:00Z'], { ...textRun.ctx, cwd: root });
    expect(textRun.text()).toContain('service:n000009 and 21 more\n');
  });
});
