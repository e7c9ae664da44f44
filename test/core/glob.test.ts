import { describe, expect, it } from 'vitest';
import { globMatcher, globProblem } from '../../src/core/glob.js';

// The paths a pull request reports (repo-relative, forward slashes).
const PATHS = ['teams/teams.yaml', 'changes/policy.yaml', 'changes/calendar.yaml', 'services/checkout/service.yaml', 'infra/prod/main.tf', 'main.tf', '.github/workflows/ci.yml'];

describe('sensitive-path globs', () => {
  it.each([
    // braces
    ['{teams,changes}/**', ['teams/teams.yaml', 'changes/policy.yaml', 'changes/calendar.yaml']],
    ['changes/{policy,calendar}.yaml', ['changes/policy.yaml', 'changes/calendar.yaml']],
    ['{services,teams}/**/*.yaml', ['teams/teams.yaml', 'services/checkout/service.yaml']],
    // a leading slash means the repository root
    ['/teams/**', ['teams/teams.yaml']],
    ['/changes/policy.yaml', ['changes/policy.yaml']],
    ['/.github/**', ['.github/workflows/ci.yml']],
    // so does a leading ./
    ['./changes/policy.yaml', ['changes/policy.yaml']],
    ['./teams/*.yaml', ['teams/teams.yaml']],
    ['././changes/*.yaml', ['changes/policy.yaml', 'changes/calendar.yaml']],
    // extglobs
    ['!(services|infra)/*.yaml', ['teams/teams.yaml', 'changes/policy.yaml', 'changes/calendar.yaml']],
    ['changes/@(policy|calendar).yaml', ['changes/policy.yaml', 'changes/calendar.yaml']],
    ['changes/+(p|o|l|i|c|y).yaml', ['changes/policy.yaml']],
    // globstars over any depth, dotfiles included
    ['**/*.tf', ['infra/prod/main.tf', 'main.tf']],
    ['infra/**/*.tf', ['infra/prod/main.tf']],
    ['.github/**', ['.github/workflows/ci.yml']],
    // character classes
    ['changes/[pc]*.yaml', ['changes/policy.yaml', 'changes/calendar.yaml']],
    ['changes/[[:lower:]]olicy.yaml', ['changes/policy.yaml']],
    ['teams/[^x]eams.yaml', ['teams/teams.yaml']],
  ])('%s matches %j', (glob, expected) => {
    expect(PATHS.filter(globMatcher([glob]))).toEqual(expected);
    expect(globProblem(glob)).toBeUndefined();
  });

  // A file name the author chooses may hold a line terminator, which JavaScript's `.` (and so
  // picomatch's * and ?) would not match: the file must not escape the pattern.
  it.each([
    ['teams/**', 'teams/evil\nx.yaml', true],
    ['teams/*.yaml', 'teams/evil\rx.yaml', true],
    ['teams/a?b.yaml', 'teams/a\u2028b.yaml', true],
    ['**/*.tf', 'infra/\u2029/main.tf', true],
    ['teams/*.yaml', 'teams/evil\n/x.yaml', false],
    ['teams/a?b.yaml', 'teams/a\n\nb.yaml', false],
  ])('%s against %j: %s', (glob, path, expected) => {
    expect(globMatcher([glob])(path)).toBe(expected);
  });

  it.each([
    ['teams/[ab.yaml'],
    ['changes/{policy,calendar.yaml'],
    ['changes/@(policy.yaml'],
    ['../secrets/**'],
    ['teams/../../etc/passwd'],
    ['/'],
    ['./'],
  ])('%s is reported as unusable', (glob) => {
    expect(globProblem(glob)).toBeDefined();
  });
});
