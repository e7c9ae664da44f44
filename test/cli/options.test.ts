import { describe, expect, expectTypeOf, it } from 'vitest';
import { defaultOptions, defineCommand, defineOptions, isGiven, parseCommandLine, type OptionsOf } from '../../src/cli/command-spec.js';
import { UsageError } from '../../src/cli/context.js';
import { cli, makeOrg, MINIMAL_ORG } from '../helpers/org.js';

const options = defineOptions({
  format: { type: 'string', short: 'f', default: 'text', choices: ['text', 'json'], description: 'how to print', example: 'json' },
  at: { type: 'string', description: 'an instant', defaultText: 'now', example: '2026-12-02T01:00:00+09:00' },
  env: { type: 'string', multiple: true, default: ['production'], description: 'environments', example: 'staging' },
  kind: { type: 'string', multiple: true, choices: ['service', 'ci'], description: 'kinds', example: 'ci' },
  open: { type: 'boolean', description: 'a switch' },
});

const spec = defineCommand({
  name: 'probe',
  summary: 'a command to parse with',
  usage: ['opsledger probe [--format text|json]'],
  options,
  examples: ['opsledger probe'],
  run: async () => 0,
});

describe('the one parse of a command line', () => {
  it.each([
    ['nothing', [], { format: 'text', at: undefined, env: ['production'], kind: [], open: false, root: undefined, help: false }, []],
    ['a long option', ['--format', 'json'], { format: 'json' }, []],
    ['a short option', ['-f', 'json'], { format: 'json' }, []],
    ['an inline value', ['--format=json', '--at', '2026-12-02T01:00:00Z'], { format: 'json', at: '2026-12-02T01:00:00Z' }, []],
    ['a repeated option, which replaces its default', ['--env', 'staging', '--env', 'qa'], { env: ['staging', 'qa'] }, []],
    ['a repeated option with choices', ['--kind', 'ci', '--kind', 'service'], { kind: ['ci', 'service'] }, []],
    ['a switch and positionals', ['CR-2026-0001', '--open', 'CR-2026-0002'], { open: true }, ['CR-2026-0001', 'CR-2026-0002']],
    ['the common options', ['--root', '../org', '-h'], { root: '../org', help: true }, []],
  ])('takes %s', (_name, args, expected, positionals) => {
    const parsed = parseCommandLine(spec, args);
    expect(parsed.options).toMatchObject(expected);
    expect(parsed.positionals).toEqual(positionals);
  });

  it.each([
    ['a value outside the choices', ['--format', 'xml'], 'unknown format "xml"; use one of text, json'],
    ['a near miss, with a suggestion', ['--format', 'jsno'], 'unknown format "jsno"; use one of text, json; did you mean "json"?'],
    ['one bad item of a repeated option', ['--kind', 'ci', '--kind', 'team'], 'unknown kind "team"; use one of service, ci'],
    ['an unknown option', ['--bogus'], "Unknown option '--bogus'"],
    ['a string option without its value', ['--at'], "Option '--at <value>' argument missing"],
    ['a value given to a switch', ['--open=yes'], "Option '--open' does not take an argument"],
  ])('refuses %s with a usage error', (_name, args, message) => {
    expect(() => parseCommandLine(spec, args)).toThrow(UsageError);
    expect(() => parseCommandLine(spec, args)).toThrow(message);
  });

  it('prints the help rather than checking choices when --help is given', () => {
    expect(parseCommandLine(spec, ['--format', 'xml', '--help']).options.help).toBe(true);
  });

  it('gives each call its own default lists', () => {
    const a = defaultOptions(spec);
    a.env.push('staging');
    expect(defaultOptions(spec).env).toEqual(['production']);
  });

  it.each([
    [undefined, false],
    [false, false],
    [[], false],
    ['', true],
    [true, true],
    [['a'], true],
  ])('counts %j as given: %s', (value, given) => {
    expect(isGiven(value)).toBe(given);
  });

  it('types the options from their declaration', () => {
    const opts = parseCommandLine(spec, []).options;
    expectTypeOf(opts.format).toEqualTypeOf<'text' | 'json'>();
    expectTypeOf(opts.at).toEqualTypeOf<string | undefined>();
    expectTypeOf(opts.env).toEqualTypeOf<string[]>();
    expectTypeOf(opts.kind).toEqualTypeOf<('service' | 'ci')[]>();
    expectTypeOf(opts.open).toEqualTypeOf<boolean>();
    expectTypeOf(opts.root).toEqualTypeOf<string | undefined>();
    expectTypeOf<OptionsOf<typeof options>>().toEqualTypeOf<typeof opts>();
  });
});

describe('options through the CLI', () => {
  it.each([
    [['risk', 'CR-2026-0001', '--format', 'xml'], 'unknown format "xml"', 'Usage: opsledger risk'],
    [['validate', '--format', 'yaml'], 'unknown format "yaml"; use one of text, json, github, sarif, markdown', 'Usage: opsledger validate'],
    [['catalog', '--locale', 'fr'], 'unknown locale "fr"; use one of en, ko', 'Usage: opsledger catalog'],
    [['record', 'CR-2026-0001', '--result', 'sucessful'], 'did you mean "successful"?', 'Usage: opsledger record'],
    [['metrics', '--format', 'csv'], 'unknown format "csv"', 'Usage: opsledger metrics'],
    [['gate', 'CR-2026-0001', '--bogus'], "Unknown option '--bogus'", 'Usage: opsledger gate'],
  ])('opsledger %j exits 2 with the message and the usage', async (args, message, usage) => {
    const root = makeOrg();
    const r = await cli([...args, '--root', root], root);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stderr).toContain(usage);
    expect(r.stdout).toBe('');
  });

  it('applies the declared defaults a command used to decide itself (metrics: 90 days of production, UTC)', async () => {
    const r = await cli(['metrics', '--root', MINIMAL_ORG, '--until', '2026-12-01T00:00:00Z', '--format', 'json'], MINIMAL_ORG);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as { window: { from: string; to: string; environments: string[]; timeZone: string } };
    expect(report.window).toMatchObject({ from: '2026-09-02T00:00:00.000Z', environments: ['production'], timeZone: 'UTC' });
  });
});
