import { describe, expect, it } from 'vitest';
import { labelChanges } from '../../src/core/pull-labels.js';

describe('labelChanges', () => {
  it.each([
    ['a new class replaces the old one', ['risk:high', 'change:normal'], ['risk:medium', 'change:normal'], ['risk:high'], ['risk:medium']],
    ['nothing to do when the labels are right', ['risk:low', 'change:standard'], ['risk:low', 'change:standard'], [], []],
    ['labels people added stay', ['needs-docs', 'riskless'], ['risk:low'], [], ['risk:low']],
    ['no change requests any more: owned labels come off', ['risk:high', 'change:emergency'], [], ['risk:high', 'change:emergency'], []],
    ['names compare without case, as GitHub does', ['Risk:High'], ['risk:high'], [], []],
    ['a wanted label is added once', [], ['change:normal', 'change:normal'], [], ['change:normal']],
  ])('%s', (_name, current, wanted, remove, add) => {
    expect(labelChanges(current, wanted)).toEqual({ remove, add });
  });
});
