import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { Incident } from '../../src/core/model.js';
import { nextIncidentId } from '../../src/scaffold/documents.js';
import { cli, makeOrg, validateJson } from '../helpers/org.js';

const YEAR = new Date().getFullYear();
const BASE = ['new', 'incident', '--yes', '--title', 'Checkout <script>slow</script>', '--severity', 'sev2', '--started-at', `${YEAR}-01-05T10:00:00+09:00`];

describe('nextIncidentId', () => {
  it.each([
    [[], `INC-${YEAR}-0001`],
    [[`INC-${YEAR}-0007`, `INC-${YEAR}-0003`, `INC-${YEAR - 1}-0900`, `CR-${YEAR}-0500`], `INC-${YEAR}-0008`],
  ])('after %j is %s', (existing, next) => {
    expect(nextIncidentId(existing, YEAR)).toBe(next);
  });
});

describe('opsledger new incident', () => {
  it('writes a valid incident with the next free id, and the organisation still validates', async () => {
    const root = makeOrg({ [`incidents/INC-${YEAR}-0041.yaml`]: 'not: an incident\n' });
    const r = await cli([...BASE, '--root', root, '--services', 'checkout-api', '--cis', 'checkout-db', '--commander', 'mina-park', '--impact', 'Orders time out'], root);
    expect(r.code, r.stderr).toBe(0);
    const file = path.join(root, 'incidents', `INC-${YEAR}-0042.yaml`);
    const doc = parse(readFileSync(file, 'utf8')) as Incident;
    expect(doc.metadata).toEqual({ name: `INC-${YEAR}-0042`, title: 'Checkout <script>slow</script>' });
    expect(doc.spec).toEqual({ severity: 'sev2', status: 'investigating', startedAt: `${YEAR}-01-05T10:00:00+09:00`, services: ['checkout-api'], configurationItems: ['checkout-db'], commander: 'mina-park', impact: { summary: 'Orders time out' } });
    // The invalid file that took 0041 is the only finding.
    const { report } = await validateJson(root);
    expect(report.diagnostics.filter((d) => d.file.endsWith('0042.yaml'))).toEqual([]);
  });

  it.each([
    ['without --severity', ['--severity', ''], 2],
    ['an unknown service', ['--services', 'nope'], 2],
    ['identified without a detection time', ['--status', 'identified'], 2],
    ['a malformed --id', ['--id', 'INC-26-1'], 2],
    ['a start without an offset', ['--started-at', `${YEAR}-01-05T10:00:00`], 2],
  ])('refuses %s, writing nothing', async (_name, extra, code) => {
    const root = makeOrg();
    const args = [...BASE, '--root', root];
    for (let i = 0; i < extra.length; i += 2) {
      const at = args.indexOf(extra[i]!);
      if (at >= 0 && extra[i + 1] === '') args.splice(at, 2);
      else if (at >= 0) args[at + 1] = extra[i + 1]!;
      else args.push(extra[i]!, extra[i + 1]!);
    }
    const r = await cli(args, root);
    expect(r.code).toBe(code);
    expect(existsSync(path.join(root, 'incidents'))).toBe(false);
  });

  it('refuses with new.incident-ids-used-up and exit 1 when the year\'s last id is taken, writing nothing', async () => {
    const root = makeOrg({ [`incidents/INC-${YEAR}-9999.yaml`]: 'x: 1\n' });
    const r = await cli([...BASE, '--root', root], root);
    expect([r.code, r.stderr.match(/\[([a-z.-]+)\]\n$/)?.[1], r.stderr.includes('internal error')]).toEqual([1, 'new.incident-ids-used-up', false]);
    expect(readdirSync(path.join(root, 'incidents'))).toEqual([`INC-${YEAR}-9999.yaml`]);
  });
});
