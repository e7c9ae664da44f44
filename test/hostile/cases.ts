// Hostile YAML shared by the hostile suite (test/hostile), the every-code coverage test and the codec test.
export const BOMB = [
  'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
  'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]',
  'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]',
  'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]',
  'e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]',
  'f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]',
  'g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]',
  'h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]',
  'i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]',
  '',
].join('\n');

export const SERVICE_HEAD = 'apiVersion: opsledger/v1\nkind: Service\nmetadata:\n  name: hostile\nspec:\n';
const deepBlock = Array.from({ length: 1200 }, (_, i) => ' '.repeat(i) + 'k:').join('\n') + ' 1\n';

export const HOSTILE_FILE = 'services/hostile/service.yaml';

// Each row: a file's content, the code expected, and the line it must point at.
export const HOSTILE_CASES: [string, string | Uint8Array, string, number][] = [
  // The alias at which the expansion budget ran out (the fifth line's first *d).
  ['alias bomb', BOMB, 'yaml.alias-limit', 5],
  // The case: 20,000 aliases stop at the alias budget.
  ['20,000 aliases in 60 KB', 'a: &a x\nb: [' + Array(20_000).fill('*a').join(',') + ']\n', 'yaml.alias-limit', 2],
  // Each alias is a node the parser keeps: 60,000 of them cross the node budget before the alias budget is reached.
  ['60,000 aliases in 180 KB', 'a: &a x\nb: [' + Array(60_000).fill('*a').join(',') + ']\n', 'yaml.too-many-nodes', 2],
  ['12,000 aliases in 36 KB', 'a: &a x\nb: [' + Array(12_000).fill('*a').join(',') + ']\n', 'yaml.alias-limit', 2],
  ['an alias inside its own anchor', SERVICE_HEAD + '  dependsOn: &d [*d]\n', 'yaml.alias', 6],
  ['%YAML 1.1 (merge keys, yes/no booleans)', '%YAML 1.1\n---\n' + SERVICE_HEAD + '  owner: checkout\n', 'yaml.version', 1],
  ['%YAML 1.1 on the second document', 'a: 1\n...\n%YAML 1.1\n---\n' + SERVICE_HEAD, 'yaml.version', 3],
  ['a mapping as a key', SERVICE_HEAD + '  ? {owner: checkout}\n  : x\n', 'yaml.key', 6],
  ['CR-only line endings', (SERVICE_HEAD + '  owner: checkout\n  owner: cab\n').replace(/\n/g, '\r'), 'yaml.duplicate-key', 7],
  ['deep flow nesting', '['.repeat(10_000) + ']'.repeat(10_000) + '\n', 'yaml.too-deep', 1],
  // The mapping one level past the value builder's depth (line and column MAX_DEPTH + 2), counted on the text.
  ['deep block nesting', deepBlock, 'yaml.too-deep', 502],
  // Under the size cap, nodes the precise parser would keep at ~1.8 KB each (once 500 MB and 5 s for 1 MB).
  ['1 MB of empty flow sequences', '[' + '[],'.repeat(340_000) + '[]]\n', 'yaml.too-many-nodes', 1],
  ['flow mappings of flow collections, one per line', 'x:\n' + '- {a: [], b: {}, c: [[]]}\n'.repeat(30_000), 'yaml.too-many-nodes', 4168],
  ['500,000 empty block entries', '-\n'.repeat(500_000), 'yaml.too-many-nodes', 50_001],
  ['100,000 unclosed [', '['.repeat(100_000) + '\n', 'yaml.too-deep', 1],
  ['file over the size cap', 'description: "' + 'x'.repeat(1024 * 1024 + 10) + '"\n', 'file.too-large', 1],
  ['non-UTF-8 bytes', Buffer.concat([Buffer.from(SERVICE_HEAD + '  owner: check'), Buffer.from([0xff, 0xfe]), Buffer.from('out\n')]), 'file.encoding', 6],
  ['duplicate keys', SERVICE_HEAD + '  owner: checkout\n  owner: cab\n', 'yaml.duplicate-key', 7],
  ['!!js/function tag', SERVICE_HEAD + '  owner: !!js/function "function () { return process.exit(9) }"\n', 'yaml.tag', 6],
  ['custom local tag', SERVICE_HEAD + '  owner: !include ../../etc/passwd\n', 'yaml.tag', 6],
  ['__proto__ key', SERVICE_HEAD + '  owner: checkout\n  __proto__: {polluted: yes}\n', 'yaml.unsafe-key', 7],
  ['constructor key', 'apiVersion: opsledger/v1\nkind: Team\nmetadata: {name: x, labels: {constructor: y}}\nspec: {}\n', 'yaml.unsafe-key', 3],
  ['empty file', '', 'file.empty', 1],
  ['comments only', '# nothing here yet\n\n# still nothing\n', 'file.empty', 1],
  ['top-level list', '- apiVersion: opsledger/v1\n- kind: Service\n', 'doc.not-mapping', 1],
  ['top-level scalar', 'just some words\n', 'doc.not-mapping', 1],
  // The parser reports an unclosed quote where the stream ends.
  ['unclosed quote', SERVICE_HEAD + '  owner: "checkout\n  tier: 1\n', 'yaml.syntax', 8],
  ['tab indentation', 'apiVersion: opsledger/v1\nkind: Team\nmetadata:\n\tname: x\n', 'yaml.syntax', 4],
  ['binary garbage', Uint8Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256), 'file.encoding', 1],
];


/** The rows of HOSTILE_CASES that are about bounded work rather than what the parser reads. */
export const UNBOUNDED_YAML = new Set([
  'alias bomb',
  '20,000 aliases in 60 KB',
  '12,000 aliases in 36 KB',
  'deep flow nesting',
  'deep block nesting',
  '1 MB of empty flow sequences',
  'flow mappings of flow collections, one per line',
  '500,000 empty block entries',
  '100,000 unclosed [',
  'file over the size cap',
]);
