import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { copyExampleOrg } from './helpers/example-org.js';
import { cli, makeOrg, MINIMAL_ORG, validateJson } from './helpers/org.js';

/** `opsledger record` in-process: what it writes, what it refuses, and that refusals touch nothing. */
const read = (root: string, file: string) => readFileSync(join(root, file), 'utf8');

interface RecordJson {
  recorded: boolean;
  unchanged?: boolean;
  outcome?: Record<string, unknown>;
  refusals?: { code: string; field?: string }[];
}

async function record(root: string, args: string[]): Promise<{ code: number; json: RecordJson }> {
  const r = await cli(['record', ...args, '--format', 'json', '--root', root], root);
  return { code: r.code, json: JSON.parse(r.stdout) as RecordJson };
}

describe('record on the example organisation', () => {
  it('writes the outcome into CR-2026-0171 and changes nothing above its status', async () => {
    const root = copyExampleOrg();
    const file = 'changes/CR-2026-0171.yaml';
    const before = read(root, file);
    const { code, json } = await record(root, ['CR-2026-0171', '--result', 'rolled-back', '--implemented-at', '2026-11-21T22:40:00+09:00', '--detected-at', '2026-11-22T02:10:00+09:00', '--restored-at', '2026-11-22T02:55:00+09:00', '--incident', 'INC-2026-0402']);
    expect(code).toBe(0);
    expect(json.outcome).toEqual({ result: 'rolled-back', implementedAt: '2026-11-21T22:40:00+09:00', failureDetectedAt: '2026-11-22T02:10:00+09:00', restoredAt: '2026-11-22T02:55:00+09:00', incidents: ['INC-2026-0402'] });
    const after = read(root, file);
    const cut = before.indexOf('\nstatus:\n') + 1;
    expect(after.slice(0, cut)).toBe(before.slice(0, cut));
    expect(after.slice(cut)).toBe(
      before.slice(cut).replace('  phase: implementing\n', '  phase: completed\n  outcome:\n    result: rolled-back\n    implementedAt: "2026-11-21T22:40:00+09:00"\n    failureDetectedAt: "2026-11-22T02:10:00+09:00"\n    restoredAt: "2026-11-22T02:55:00+09:00"\n    incidents: [INC-2026-0402]\n'),
    );
    const { code: valid, report } = await validateJson(root);
    expect([valid, report.diagnostics.filter((d) => d.file === file)]).toEqual([0, []]);

    const again = await record(root, ['CR-2026-0171', '--result', 'rolled-back']);
    expect([again.code, again.json.unchanged]).toEqual([0, true]);
    expect(read(root, file)).toBe(after);
  });

  it.each([
    ['CR-2026-0166', ['--result', 'successful', '--implemented-at', '2026-11-20T01:00:00+09:00'], ['record.cancelled']],
    ['CR-2026-0187', ['--result', 'successful', '--implemented-at', '2026-11-20T01:00:00+09:00'], ['record.draft']],
    ['CR-2026-0124', ['--result', 'successful'], ['record.rewrite-failure', 'record.failure-on-success']],
    ['CR-2026-0171', ['--result', 'failed', '--implemented-at', '2026-11-21T22:40:00+09:00', '--restored-at', '2026-11-22T02:55:00+09:00'], ['record.restored-without-detection']],
    ['CR-2026-0171', ['--result', 'failed', '--implemented-at', '2026-11-21T22:40:00+09:00', '--detected-at', '2026-11-21T22:00:00+09:00'], ['record.order']],
    ['CR-2026-0171', ['--result', 'successful', '--implemented-at', '2030-01-01T00:00:00+09:00'], ['record.future']],
  ])('refuses %s %j with %j, exit 1, file untouched', async (id, flags, codes) => {
    const root = copyExampleOrg();
    const file = `changes/${id}.yaml`;
    const before = read(root, file);
    const { code, json } = await record(root, [id, ...flags]);
    expect([code, json.recorded, json.refusals?.map((r) => r.code)]).toEqual([1, false, codes]);
    expect(read(root, file)).toBe(before);
  });
});

describe('record on other layouts', () => {
  it('finds a change in a file that holds several documents and edits only that one', async () => {
    const other = 'apiVersion: opsledger/v1\nkind: ChangeRequest\nmetadata: {name: CR-2026-0300}\nspec:\n  type: normal\n  requester: mina-park\n  services: [cart]\n  environment: production\n  schedule: {start: "2026-11-01T01:00:00+09:00", end: "2026-11-01T02:00:00+09:00"}\nstatus: {phase: approved}\n';
    const batch = `${other}---\n${other.replace(/CR-2026-0300/g, 'CR-2026-0301')}`;
    const root = makeOrg({ 'changes/batch.yaml': batch });
    const { code } = await record(root, ['CR-2026-0301', '--result', 'partial', '--implemented-at', '2026-11-01T01:10:00+09:00']);
    expect(code).toBe(0);
    const docs = read(root, 'changes/batch.yaml').split('---\n');
    expect(docs[0]).toBe(other);
    expect((parse(docs[1]!) as { status: unknown }).status).toEqual({ phase: 'completed', outcome: { result: 'partial', implementedAt: '2026-11-01T01:10:00+09:00' } });
  });

  // Once an internal error (exit 2): the splicer writes into block mappings only.
  it('refuses a change written as one flow mapping with record.cannot-edit, exit 1, file untouched', async () => {
    const flow = '{apiVersion: opsledger/v1, kind: ChangeRequest, metadata: {name: CR-2026-0300}, spec: {type: normal, requester: mina-park, services: [cart], environment: production, schedule: {start: "2026-11-01T01:00:00+09:00", end: "2026-11-01T02:00:00+09:00"}}, status: {phase: approved}}\n';
    const root = makeOrg({ 'changes/CR-2026-0300.yaml': flow });
    const { code, json } = await record(root, ['CR-2026-0300', '--result', 'partial', '--implemented-at', '2026-11-01T01:10:00+09:00']);
    expect([code, json.refusals?.map((r) => r.code)]).toEqual([1, ['record.cannot-edit']]);
    expect(read(root, 'changes/CR-2026-0300.yaml')).toBe(flow);
  });

  it('refuses a change file that is already invalid', async () => {
    const file = 'changes/CR-2026-0001.yaml';
    const broken = read(MINIMAL_ORG, file).replace('type: normal', 'type: normall');
    const root = makeOrg({ [file]: broken });
    const { code, json } = await record(root, ['CR-2026-0001', '--result', 'successful', '--implemented-at', '2026-11-01T01:10:00+09:00']);
    expect([code, json.refusals?.map((r) => r.code)]).toEqual([1, ['record.invalid-file']]);
    expect(read(root, file)).toBe(broken);
  });

  it('exits 2 when --commit is asked outside a git repository, leaving the file as it was', async () => {
    const root = makeOrg();
    const before = read(root, 'changes/CR-2026-0001.yaml');
    const r = await cli(['record', 'CR-2026-0001', '--result', 'successful', '--commit', '--root', root], root);
    expect(r.code).toBe(2);
    expect(read(root, 'changes/CR-2026-0001.yaml')).toBe(before);
  });

  // A file named after one id that holds another: the name is a convention, the document decides.
  it('suggests the closest existing change, never the mistyped id itself', async () => {
    const held = read(MINIMAL_ORG, 'changes/CR-2026-0001.yaml').replace(/CR-2026-0001/g, 'CR-2026-0201');
    const root = makeOrg({ 'changes/CR-2026-0200.yaml': held });
    const r = await cli(['record', 'CR-2026-0200', '--result', 'successful', '--root', root], root);
    expect([r.code, [...r.stderr.matchAll(/did you mean "([^"]+)"/g)].map((m) => m[1])]).toEqual([2, ['CR-2026-0201']]);
  });

  it.each([
    ['no change id', ['--result', 'successful']],
    ['two change ids', ['CR-2026-0001', 'CR-2026-0002', '--result', 'successful']],
    ['a malformed id', ['CR-26-1', '--result', 'successful']],
    ['an unknown change', ['CR-2026-0999', '--result', 'successful']],
    ['no --result', ['CR-2026-0001']],
    ['an unknown result', ['CR-2026-0001', '--result', 'worked']],
    ['a time without offset', ['CR-2026-0001', '--result', 'successful', '--implemented-at', '2026-11-01T01:10:00']],
    ['--push without --commit', ['CR-2026-0001', '--result', 'successful', '--push']],
    ['an unknown flag', ['CR-2026-0001', '--result', 'successful', '--resutl', 'x']],
    ['an unknown format', ['CR-2026-0001', '--result', 'successful', '--format', 'yaml']],
  ])('exits 2 on %s and writes nothing', async (_name, args) => {
    const root = makeOrg();
    const before = read(root, 'changes/CR-2026-0001.yaml');
    const r = await cli(['record', ...args, '--root', root], root);
    expect(r.code).toBe(2);
    expect(read(root, 'changes/CR-2026-0001.yaml')).toBe(before);
  });
});

describe('overriding a recorded failure', () => {
  it.each([
    ['--force with a --reason', ['--force', '--reason', 'the failure was CR-2026-0125'], 0, 'successful'],
    ['--force alone', ['--force'], 2, 'failed'],
    ['--reason alone', ['--reason', 'because'], 2, 'failed'],
    ['neither', [], 1, 'failed'],
  ] as const)('%s: exit %i, result %s', async (_name, flags, exit, result) => {
    const root = copyExampleOrg();
    const file = 'changes/CR-2026-0124.yaml';
    const r = await cli(['record', 'CR-2026-0124', '--result', 'successful', ...flags, '--format', 'json', '--root', root], root);
    expect(r.code).toBe(exit);
    const outcome = (parse(read(root, file)) as { status: { outcome: { result: string; notes?: string; failureDetectedAt?: string } } }).status.outcome;
    expect(outcome.result).toBe(result);
    if (exit === 0) {
      expect(outcome.notes).toContain('the failure was CR-2026-0125');
      expect(outcome.failureDetectedAt).toBeUndefined();
      const { code: valid, report } = await validateJson(root);
      expect([valid, report.diagnostics.filter((d) => d.file === file && d.severity === 'error')]).toEqual([0, []]);
    }
  });
});
