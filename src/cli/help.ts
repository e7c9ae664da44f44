import { allOptions, usageText, type CommandSpec, type OptionSpec } from './command-spec.js';

/** The help texts: the list of commands, and one command's options with defaults and examples. */

export function topLevelHelp(commands: Iterable<[string, { summary: string }]>): string {
  const lines = ['opsledger: IT change management and a service catalog that live in Git', '', 'Usage: opsledger <command> [options]', '', 'Commands:'];
  for (const [name, c] of commands) lines.push(`  ${name.padEnd(10)} ${c.summary}`);
  lines.push(
    '',
    'Options for every command:',
    '  --root DIR   the organisation repository (default: current folder)',
    '  -h, --help   this help',
    '',
    'opsledger help <command> (or opsledger <command> --help) lists its options with defaults and examples.',
    'opsledger --version (or -V) prints the version.',
    '',
  );
  lines.push('Exit codes: 0 success or allowed, 1 findings or denied, 2 usage or internal error.');
  return lines.join('\n') + '\n';
}

function placeholder(o: OptionSpec): string {
  if (o.type === 'boolean') return '';
  return o.choices ? ` <${o.choices.join('|')}>` : ' <value>';
}

function defaultOf(o: OptionSpec): string {
  if (o.type === 'boolean') return 'off';
  if (o.multiple) return o.default?.length ? o.default.join(', ') : (o.defaultText ?? 'none');
  return o.default ?? o.defaultText ?? 'none';
}

function exampleOf(name: string, o: OptionSpec): string {
  if (o.type === 'boolean') return `--${name}`;
  return `--${name} ${/[\s"'$]/.test(o.example) ? JSON.stringify(o.example) : o.example}`;
}

export function commandHelp(spec: CommandSpec): string {
  const lines = [usageText(spec), '', spec.summary, '', 'Options:'];
  const rows = Object.entries(allOptions(spec)).map(([name, o]) => ({ head: `${o.short ? `-${o.short}, ` : ''}--${name}${placeholder(o)}`, name, o }));
  const width = Math.min(Math.max(...rows.map((r) => r.head.length)) + 2, 36);
  const indent = ' '.repeat(width + 2);
  for (const { head, name, o } of rows) {
    const repeat = o.multiple ? ' (repeatable)' : '';
    lines.push(head.length + 2 > width ? `  ${head}\n${indent}${o.description}${repeat}` : `  ${head.padEnd(width)}${o.description}${repeat}`);
    if (name !== 'help') lines.push(`${indent}default: ${defaultOf(o)}; example: ${exampleOf(name, o)}`);
  }
  if (spec.examples.length) lines.push('', 'Examples:', ...spec.examples.map((e) => `  ${e}`));
  return lines.join('\n') + '\n';
}
