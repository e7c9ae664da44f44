import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../../src/core/duration.js';
import { closest, editDistance } from '../../src/core/suggest.js';

describe('parseDuration', () => {
  it.each([
    ['30m', 30 * 60_000],
    ['2h', 7_200_000],
    ['5d', 5 * 86_400_000],
    ['1h30m', 5_400_000],
    ['1w', 7 * 86_400_000],
    ['45s', 45_000],
  ])('%s = %i ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });
  it.each(['', '30', 'm30', '2 h', '1.5h', '1M', '-2h', 'PT1H'])('%j is not a duration', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });
  it.each([
    [5_400_000, '1h30m'],
    [86_400_000 * 2 + 60_000, '2d1m'],
    [0, '0m'],
  ])('formats %i as %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});

describe('suggestions', () => {
  it.each([
    ['kitten', 'sitting', 3],
    ['', 'abc', 3],
    ['same', 'same', 0],
  ])('editDistance(%s, %s) = %i', (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
  });
  it.each([
    ['paymnets', ['payments', 'platform', 'identity'], 'payments'],
    ['Checkout', ['checkout', 'cart'], 'checkout'],
    ['zzzzzz', ['payments', 'platform'], undefined],
  ])('closest(%s) = %s', (word, list, expected) => {
    expect(closest(word, list)).toBe(expected);
  });
});
