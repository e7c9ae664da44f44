import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { MAX_FILE_NODES } from '../../src/core/parse/node-budget.js';
import { MAX_ALIAS_NODES } from '../../src/core/parse/plain-value.js';
import { preciseParse } from '../../src/core/parse/precise.js';
import { parseYamlStream } from '../../src/import/parse.js';
import { PROJECT_ROOT } from '../helpers/org.js';

/*
 * Files handed to `opsledger import` resolve aliases as the organisation's reader does: in one
 * pass, within one budget per file. The yaml package's own toJS walked the document again for
 * every alias, so 20,000 aliases in a 60 KB file took 45 s.
 */

/** `count` aliases to one anchored scalar, in one Backstage-like document. */
function aliases(count: number): string {
  return `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: x\n  tags: [&t a${', *t'.repeat(count)}]\nspec: {type: service}\n`;
}

describe('aliases in an imported file', () => {
  it('12,000 aliases in one file end with yaml.alias-limit at the alias past the budget (in a child process with a time limit)', () => {
    // Through the built module in its own process: a quadratic resolution would be killed by the limit, not hang the suite.
    const script = `import { parseYamlStream } from ${JSON.stringify(pathToFileURL(join(PROJECT_ROOT, 'dist', 'import', 'parse.js')).href)};
      const text = process.argv[1];
      const r = parseYamlStream('big.yaml', text);
      process.stdout.write(JSON.stringify({ documents: r.documents.length, problems: r.problems }));`;
    // Under the node budget (each alias is a node), over the alias budget.
    const text = aliases(12_000);
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script, text], { encoding: 'utf8', timeout: 60_000 });
    expect(r.signal).toBeNull();
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as { documents: number; problems: { code?: string; line: number; column: number }[] };
    expect(out.documents).toBe(0);
    expect(out.problems).toEqual([{ file: 'big.yaml', line: 5, column: text.split('\n')[4]!.indexOf('*t') + 1 + 4 * MAX_ALIAS_NODES, message: expect.any(String), code: 'yaml.alias-limit' }]);
  }, 120_000);

  it('aliases within the budget give the same values as the anchors they name', () => {
    const { documents, problems } = parseYamlStream('ok.yaml', aliases(3));
    expect(problems).toEqual([]);
    expect(documents.map((d) => d.value)).toEqual([{ apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name: 'x', tags: ['a', 'a', 'a', 'a'] }, spec: { type: 'service' } }]);
  });

  it.each([
    ['past the budget', aliases(MAX_ALIAS_NODES + 1), 'yaml.alias-limit'],
    ['an alias with no anchor', 'a: *nowhere\n', 'yaml.alias'],
    ['an alias inside its own anchor', 'a: &x [1, *x]\n', 'yaml.alias'],
    ['within the budget', aliases(MAX_ALIAS_NODES - 1), undefined],
    ['past the node budget', aliases(MAX_FILE_NODES), 'yaml.too-many-nodes'],
    ['past the node budget in flow collections', `a: [${'[],'.repeat(MAX_FILE_NODES)}]\n`, 'yaml.too-many-nodes'],
  ])('import and validate give one verdict on aliases: %s', (_name, text, code) => {
    const imported = parseYamlStream('f.yaml', text).problems.map((p) => p.code);
    const validated = preciseParse(text).problems.map((p) => p.code);
    expect(imported).toEqual(code ? [code] : []);
    expect(validated).toEqual(imported);
  });
});
