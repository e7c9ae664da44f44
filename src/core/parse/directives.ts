/**
 * Directives decide how the rest of a document is read: `%YAML 1.1` switches the `yaml`
 * package to the 1.1 schema (merge keys, `yes`/`no` booleans, sexagesimal numbers), which
 * no other reader of the file would apply, and `%TAG` only exists to name custom tags, which
 * are refused anyway. opsledger reads YAML 1.2 core and nothing else, so any directive but
 * `%YAML 1.2` is an error at the directive itself.
 */
export interface DirectiveProblem {
  code: 'yaml.version' | 'yaml.tag' | 'yaml.syntax';
  message: string;
  offset: number;
  endOffset: number;
}

export function directiveProblem(source: string, offset: number): DirectiveProblem | undefined {
  const words = source.trim().split(/[ \t]+/);
  const name = words[0] ?? '';
  const at = { offset, endOffset: offset + source.trimEnd().length };
  if (name === '%YAML') {
    if (words[1] === '1.2' && words.length === 2) return undefined;
    return { code: 'yaml.version', message: `YAML ${words[1] ?? '(no version)'} is not read here: opsledger reads YAML 1.2 (core schema); remove the directive or write %YAML 1.2`, ...at };
  }
  if (name === '%TAG') return { code: 'yaml.tag', message: 'tag directives name custom tags, which are not allowed', ...at };
  return { code: 'yaml.syntax', message: `unknown directive ${name}`, ...at };
}
