import * as rruleModule from 'rrule';

// rrule ships CommonJS; under Node's ESM loader its exports arrive on `default`, under bundlers
// on the namespace itself.
const lib = ((rruleModule as unknown as { default?: typeof rruleModule }).default ?? rruleModule) as typeof rruleModule;

export const RRule = lib.RRule;
