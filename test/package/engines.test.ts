import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../helpers/org.js';

/**
 * package.json's `engines` is the true minimum of the production dependency tree: every Node
 * it lets in is one every locked production dependency declares it runs on, and the versions
 * just below it are refused by at least one of them. (content-type, through Octokit's request,
 * declares Node 22; @inquirer's packages then need 22.13 or 23.5.)
 */
type Version = [number, number, number];
const parse = (v: string): Version => {
  const [a = 0, b = 0, c = 0] = v.replace(/^v/, '').split('.').map((n) => Number.parseInt(n, 10) || 0);
  return [a, b, c];
};
const cmp = (x: Version, y: Version) => x[0] - y[0] || x[1] - y[1] || x[2] - y[2];

/** The range forms npm packages use for engines.node: `||` of space-separated >=, >, <=, <, =, ^ and ~ comparators. */
function satisfies(version: string, range: string): boolean {
  const v = parse(version);
  return range.split('||').some((alternative) =>
    alternative
      .trim()
      .replace(/([<>]=?|\^|~|=)\s+/g, '$1')
      .split(/\s+/)
      .filter(Boolean)
      .every((c) => {
        const m = /^(>=|<=|>|<|\^|~|=)?(.+)$/.exec(c)!;
        const op = m[1] ?? '=';
        const w = parse(m[2]!);
        const d = cmp(v, w);
        if (op === '>=') return d >= 0;
        if (op === '>') return d > 0;
        if (op === '<=') return d <= 0;
        if (op === '<') return d < 0;
        if (op === '^') return d >= 0 && (w[0] > 0 ? v[0] === w[0] : v[1] === w[1]);
        if (op === '~') return d >= 0 && v[0] === w[0] && v[1] === w[1];
        return d === 0;
      }),
  );
}

const pkg = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { engines: { node: string } };
const lock = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean; version?: string; engines?: { node?: string } }> };
const production = Object.entries(lock.packages)
  .filter(([path, e]) => path && !e.dev && e.engines?.node)
  .map(([path, e]) => ({ name: `${path.replace(/^.*node_modules\//, '')}@${e.version}`, range: e.engines!.node! }));
// The lowest version of each alternative of our own range.
const minimums = pkg.engines.node.split('||').map((a) => /(\d+\.\d+\.\d+)/.exec(a)![1]!);

describe('engines.node', () => {
  it('reads the ranges as npm does', () => {
    expect(satisfies('22.13.0', '^22.13.0 || >=23.5.0')).toBe(true);
    expect(satisfies('23.1.0', '^22.13.0 || >=23.5.0')).toBe(false);
    expect(satisfies('0.7.1', '>=0.6.11 <=0.7.0 || >=0.7.3')).toBe(false);
    expect(satisfies('20.20.2', '>= 20')).toBe(true);
  });

  it.each(minimums)('lets in %s, which every production dependency runs on', (min) => {
    expect(production.length).toBeGreaterThan(20);
    expect(production.filter((d) => !satisfies(min, d.range)).map((d) => `${d.name} needs ${d.range}`)).toEqual([]);
  });

  it.each(['20.20.2', '22.12.0', '23.4.0'])('keeps out %s, which a production dependency refuses', (below) => {
    expect(satisfies(below, pkg.engines.node)).toBe(false);
    expect(production.some((d) => !satisfies(below, d.range))).toBe(true);
  });
});
