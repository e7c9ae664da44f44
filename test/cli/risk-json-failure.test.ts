import { describe, expect, it } from 'vitest';
import { makeOrg, spawnCli } from '../helpers/org.js';

/*
 * `risk --format json` streams its reports. A failure the command can meet on valid input (a
 * calendar past its expansion budget while scoring one change among many) must be met before
 * the first byte is written: stdout is then empty, or else a whole JSON document, never the
 * first half of an array. Through the built CLI in its own process, as a pipeline runs it.
 */

const AT = '2026-12-01T00:00:00Z';
const CHANGES = 60;

const calendar = `apiVersion: opsledger/v1
kind: ChangeCalendar
metadata: {name: production}
spec:
  windows:
    - name: every-minute
      kind: maintenance
      start: "2026-01-06T01:00:00"
      rrule: FREQ=MINUTELY
      duration: 1m
      timeZone: Asia/Seoul
`;

function change(id: string, start: string, end: string): string {
  return `apiVersion: opsledger/v1
kind: ChangeRequest
metadata: {name: ${id}, title: Resize the checkout pool}
spec:
  type: normal
  requester: mina-park
  services: [checkout-api]
  environment: production
  schedule: {start: "${start}", end: "${end}"}
  description: Resize the pool.
status:
  phase: submitted
`;
}

/** Many open changes an hour long, and (with `long`) one that runs 100 days: minutely occurrences past the budget. */
function org(long: boolean): string {
  const files: Record<string, string> = { 'changes/calendar.yaml': calendar };
  for (let i = 0; i < CHANGES; i++) {
    const id = `CR-2026-${String(100 + i).padStart(4, '0')}`;
    files[`changes/${id}.yaml`] = change(id, '2026-12-02T01:00:00+09:00', '2026-12-02T02:00:00+09:00');
  }
  // Sorted last, so a writer that scores as it writes has printed every other report first.
  if (long) files['changes/CR-2026-0999.yaml'] = change('CR-2026-0999', '2026-12-02T01:00:00+09:00', '2027-03-12T01:00:00+09:00');
  return makeOrg(files);
}

const parses = (text: string) => {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
};

describe('risk --format json and a failure while scoring', () => {
  it('scores the organisation without the long change (the control): exit 0, one JSON array', () => {
    const r = spawnCli(['risk', '--open', '--format', 'json', '--at', AT, '--root', org(false)], { timeoutMs: 120_000 });
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as unknown[]).length).toBe(CHANGES + 1);
    // The reports alone pass the writer's chunk size: a writer that streamed before deciding would have written some.
    expect(r.stdout.length).toBeGreaterThan(1 << 16);
  }, 180_000);

  it.each([
    ['json', ['--format', 'json']],
    ['text', []],
    ['markdown', ['--format', 'markdown']],
  ])('with one change past the calendar budget (%s): exit 1, calendar.expansion-budget, nothing partial on stdout', (_name, format) => {
    const r = spawnCli(['risk', '--open', ...format, '--at', AT, '--root', org(true)], { timeoutMs: 120_000 });
    expect(r.stderr).not.toContain('internal error');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('[calendar.expansion-budget]');
    expect(r.stdout === '' || parses(r.stdout)).toBe(true);
    expect(r.stdout).toBe('');
  }, 180_000);
});
