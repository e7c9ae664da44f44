import { describe, expect, it } from 'vitest';
import { windowsInForce, windowVerdict, type Interval } from '../../src/core/calendar/in-force.js';
import type { CalendarWindow } from '../../src/core/model.js';
import { oneOff, recurring } from './helpers.js';

const windows: CalendarWindow[] = [
  oneOff('year-end', '2026-12-20T00:00:00+09:00', '2027-01-03T00:00:00+09:00', { scope: { environments: ['production'] }, allow: ['emergency'] }),
  oneOff('payments-freeze', '2026-12-01T00:00:00+09:00', '2026-12-02T00:00:00+09:00', { scope: { services: ['payments-api'] } }),
  recurring('tuesday', '2026-01-06T01:00:00', 'FREQ=WEEKLY;BYDAY=TU', '3h', 'Asia/Seoul', { scope: { environments: ['production'] } }),
  recurring('tuesday-late', '2026-01-06T04:00:00', 'FREQ=WEEKLY;BYDAY=TU', '1h', 'Asia/Seoul', { scope: { environments: ['production'] } }),
];
const change = (type: 'normal' | 'emergency', services = ['payments-api'], environment = 'production') => ({ services: services.map((name) => ({ name })), environments: [environment], type });

describe('windowsInForce', () => {
  it('checks the whole schedule, not only its start', () => {
    // Starts before the year-end freeze, ends inside it.
    const hits = windowsInForce(windows, { from: '2026-12-19T22:00:00+09:00', to: '2026-12-20T02:00:00+09:00' }, change('normal'));
    expect(hits.map((o) => o.name)).toEqual(['year-end']);
    expect(hits[0]).toMatchObject({ startMs: Date.parse('2026-12-19T15:00:00Z'), endMs: Date.parse('2027-01-02T15:00:00Z') });
  });

  it('filters by scope', () => {
    const span = { from: '2026-12-01T01:00:00+09:00', to: '2026-12-01T02:00:00+09:00' };
    expect(windowsInForce(windows, span, change('normal')).map((o) => o.name)).toEqual(['payments-freeze', 'tuesday']);
    expect(windowsInForce(windows, span, change('normal', ['shop'])).map((o) => o.name)).toEqual(['tuesday']);
    expect(windowsInForce(windows, span, change('normal', ['shop'], 'staging')).map((o) => o.name)).toEqual([]);
  });

  it('takes a zero-length span as the instant', () => {
    expect(windowsInForce(windows, { from: Date.parse('2026-12-01T01:00:00+09:00'), to: Date.parse('2026-12-01T01:00:00+09:00') }).map((o) => o.name)).toEqual(['payments-freeze', 'tuesday']);
  });

  it('refuses a span without offsets', () => {
    expect(() => windowsInForce(windows, { from: '2026-12-01T01:00:00', to: '2026-12-01T02:00:00+09:00' })).toThrow(/offset/);
  });
});

// The verdict is asked about the occurrences in force over the same interval, as every caller does.
const verdict = (span: Interval, subject: ReturnType<typeof change>) => windowVerdict(windowsInForce(windows, span, subject), span, subject);

describe('windowVerdict: freezes', () => {
  const span = { from: '2026-12-24T01:00:00+09:00', to: '2026-12-24T03:00:00+09:00' };
  it.each([
    ['normal', ['year-end'], []],
    ['emergency', [], ['year-end']],
  ] as const)('a %s change: blocking %j, bypassed %j', (type, blocking, bypassed) => {
    const r = verdict(span, change(type));
    expect(r.blocking.map((o) => o.name)).toEqual(blocking);
    expect(r.bypassed.map((o) => o.name)).toEqual(bypassed);
  });
});

describe('windowVerdict: scope', () => {
  const span = { from: '2026-12-24T01:00:00+09:00', to: '2026-12-24T03:00:00+09:00' };
  const everything = windowsInForce(windows, span);

  it('applies the subject\'s scope to occurrences not yet matched to it', () => {
    expect(everything.map((o) => o.name)).toEqual(['year-end']);
    const r = windowVerdict(everything, span, change('normal', ['shop'], 'staging'));
    expect([r.blocking, r.bypassed]).toEqual([[], []]);
  });

  it.each([
    ['normal', ['year-end'], []],
    ['emergency', [], ['year-end']],
  ] as const)('given only the type, a %s change: blocking %j, bypassed %j', (type, blocking, bypassed) => {
    const r = windowVerdict(everything, span, { type });
    expect(r.blocking.map((o) => o.name)).toEqual(blocking);
    expect(r.bypassed.map((o) => o.name)).toEqual(bypassed);
  });

  it('lets nothing through when the type is unknown', () => {
    expect(windowVerdict(everything, span).blocking.map((o) => o.name)).toEqual(['year-end']);
  });

  it('refuses an interval that ends before it starts', () => {
    expect(() => windowsInForce(windows, { from: span.to, to: span.from })).toThrow(/ends before it starts/);
  });
});

describe('windowVerdict: maintenance', () => {
  it.each([
    ['inside one window', '2026-12-01T01:30:00+09:00', '2026-12-01T03:00:00+09:00', true, []],
    ['across two back-to-back windows', '2026-12-01T02:00:00+09:00', '2026-12-01T04:30:00+09:00', true, []],
    ['running past the last window', '2026-12-01T04:30:00+09:00', '2026-12-01T06:00:00+09:00', false, [{ start: '2026-11-30T20:00:00Z', end: '2026-11-30T21:00:00Z' }]],
    ['starting before the first window', '2026-12-01T00:00:00+09:00', '2026-12-01T02:00:00+09:00', false, [{ start: '2026-11-30T15:00:00Z', end: '2026-11-30T16:00:00Z' }]],
    ['on a Wednesday', '2026-12-02T01:00:00+09:00', '2026-12-02T02:00:00+09:00', false, [{ start: '2026-12-01T16:00:00Z', end: '2026-12-01T17:00:00Z' }]],
  ])('%s', (_what, start, end, covered, gaps) => {
    const r = verdict({ from: start, to: end }, change('normal'));
    expect(r.maintenance).toBe(covered);
    expect(r.gaps).toEqual(gaps);
  });
});
