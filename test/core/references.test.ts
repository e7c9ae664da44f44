import { describe, expect, it } from 'vitest';
import { checkCycles, checkReferences, checkTemplateCoverage, indexRecords, type FileRecords } from '../../src/core/checks/references.js';
import { extractRecord } from '../../src/core/facts.js';

function service(name: string, dependsOn: string[] = [], owner = 'checkout') {
  return { apiVersion: 'opsledger/v1', kind: 'Service', metadata: { name }, spec: { owner, tier: 2, exposure: 'company', lifecycle: 'production', dependsOn } };
}
function ci(name: string, relations: { type: string; target: string }[] = [], cls = 'database') {
  return { apiVersion: 'opsledger/v1', kind: 'ConfigurationItem', metadata: { name }, spec: { class: cls, relations } };
}
function file(path: string, ...values: Record<string, unknown>[]): FileRecords {
  return { file: path, documents: values.map((v, i) => extractRecord(i, String(v.apiVersion), String(v.kind), v)) };
}
const team = (name: string) => ({ apiVersion: 'opsledger/v1', kind: 'Team', metadata: { name }, spec: {} });

describe('references', () => {
  it('reports an unresolved reference with a suggestion and its pointer', () => {
    const files = [file('teams.yaml', team('checkout')), file('svc.yaml', service('api', ['service:paymnets', 'ci:db']), service('payments')), file('ci.yaml', ci('db'))];
    const { index, findings } = indexRecords(files);
    expect(findings).toEqual([]);
    const out = checkReferences(files, index);
    expect(out.map((f) => [f.code, f.file, f.document, f.pointer, f.hint])).toEqual([['ref.unresolved', 'svc.yaml', 0, '/spec/dependsOn/0', 'did you mean "payments"?']]);
  });

  it('reports a duplicate name on the second definition', () => {
    const files = [file('a.yaml', team('checkout')), file('b.yaml', team('x'), team('checkout'))];
    const { findings } = indexRecords(files);
    expect(findings.map((f) => [f.code, f.file, f.document, f.pointer])).toEqual([['name.duplicate', 'b.yaml', 1, '/metadata/name']]);
  });

  it('keeps names of different kinds apart', () => {
    const files = [file('a.yaml', team('checkout'), service('checkout'))];
    expect(indexRecords(files).findings).toEqual([]);
  });
});

describe('cycles', () => {
  it.each([
    ['self loop', [file('s.yaml', service('a', ['service:a']))], ['service:a → service:a']],
    ['two services', [file('s.yaml', service('a', ['service:b']), service('b', ['service:a']))], ['service:a → service:b → service:a']],
    [
      'through a CI',
      [file('s.yaml', service('a', ['ci:db'])), file('c.yaml', ci('db', [{ type: 'runsOn', target: 'service:a' }]))],
      ['ci:db → service:a → ci:db'],
    ],
    ['connectsTo is not a dependency', [file('c.yaml', ci('x', [{ type: 'connectsTo', target: 'ci:y' }]), ci('y', [{ type: 'connectsTo', target: 'ci:x' }]))], []],
    ['a chain has none', [file('s.yaml', service('a', ['service:b']), service('b', ['service:c']), service('c'))], []],
  ])('%s', (_name, files, messages) => {
    expect(checkCycles(files).map((f) => f.message.replace('dependency cycle: ', ''))).toEqual(messages);
  });

  it('survives a 100k-long chain without overflowing the stack', () => {
    const values = Array.from({ length: 100_000 }, (_, i) => service(`s${i}`, [`service:s${(i + 1) % 100_000}`]));
    const out = checkCycles([file('big.yaml', ...values)]);
    expect(out).toHaveLength(1);
    expect(out[0]!.code).toBe('graph.cycle');
  });
});

describe('standard change coverage', () => {
  const template = { apiVersion: 'opsledger/v1', kind: 'StandardChange', metadata: { name: 'cert-rotation' }, spec: { covers: { ciClasses: ['certificate'], environments: ['production'] }, maxRisk: 'medium' } };
  const change = (cis: string[], environment = 'production') => ({
    apiVersion: 'opsledger/v1',
    kind: 'ChangeRequest',
    metadata: { name: 'CR-2026-0001' },
    spec: { type: 'standard', template: 'cert-rotation', requester: 'x', configurationItems: cis, environment },
  });
  it.each([
    ['a certificate in production', ['tls-www'], 'production', []],
    ['a database', ['db'], 'production', ['/spec/configurationItems/0']],
    ['staging', ['tls-www'], 'staging', ['/spec/environment']],
  ])('%s', (_n, cis, env, pointers) => {
    const files = [file('t.yaml', template), file('c.yaml', ci('tls-www', [], 'certificate'), ci('db')), file('cr.yaml', change(cis, env))];
    const { index } = indexRecords(files);
    expect(checkTemplateCoverage(files, index).map((f) => f.pointer)).toEqual(pointers);
  });
});
