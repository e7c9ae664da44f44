import { describe, expect, it } from 'vitest';
import { mergeRequirements, planApprovals, planForSensitiveOnly, teamsOfGroup } from '../../src/core/approval-plan.js';
import { globMatcher, matchingPaths } from '../../src/core/glob.js';
import type { PolicySpec } from '../../src/core/model.js';

const policy = {
  controls: {
    low: { approvals: [{ group: 'owner', count: 1 }] },
    medium: { approvals: [{ group: 'owner', count: 1 }] },
    high: { approvals: [{ group: 'owner', count: 1 }, { group: 'cab', count: 2 }] },
    critical: { approvals: [{ group: 'owner', count: 1 }, { group: 'cab', count: 3 }, { group: 'sre', count: 0 }] },
  },
  groups: { cab: 'team:cab', emergency: 'team:ecab', sre: 'team:platform, team:sre' },
  emergency: { approvers: 'emergency', reviewWithin: '5d' },
} as unknown as PolicySpec;

describe('planApprovals', () => {
  it('takes the class requirements, dropping zero counts', () => {
    expect(planApprovals(policy, { class: 'critical', effectiveType: 'normal' }, []).alternatives).toEqual([{ name: 'class', requirements: [{ group: 'owner', count: 1 }, { group: 'cab', count: 3 }] }]);
  });

  it('raises a change touching sensitive paths to at least high', () => {
    const plan = planApprovals(policy, { class: 'low', effectiveType: 'normal' }, ['teams/cab.yaml']);
    expect(plan.class).toBe('high');
    expect(plan.alternatives[0]!.requirements).toEqual([{ group: 'owner', count: 1 }, { group: 'cab', count: 2 }]);
  });

  it('pre-approves a standard change its template covers, unless it touches sensitive paths', () => {
    expect(planApprovals(policy, { class: 'low', effectiveType: 'standard' }, []).alternatives).toEqual([{ name: 'pre-approved', requirements: [] }]);
    expect(planApprovals(policy, { class: 'low', effectiveType: 'standard' }, ['changes/policy.yaml']).alternatives[0]!.name).toBe('class');
  });

  it('offers the emergency group as an alternative for emergencies only, and not with sensitive files', () => {
    expect(planApprovals(policy, { class: 'high', effectiveType: 'emergency' }, []).alternatives.map((a) => a.name)).toEqual(['class', 'emergency']);
    expect(planApprovals(policy, { class: 'high', effectiveType: 'normal' }, []).alternatives.map((a) => a.name)).toEqual(['class']);
    expect(planApprovals(policy, { class: 'high', effectiveType: 'emergency' }, ['teams/x.yaml']).alternatives.map((a) => a.name)).toEqual(['class']);
  });

  it('needs the floor\'s non-owner approvals for sensitive files without a change request', () => {
    expect(planForSensitiveOnly(policy, ['teams/x.yaml']).alternatives[0]!.requirements).toEqual([{ group: 'cab', count: 2 }]);
  });

  it('resolves groups to teams and merges requirements by the larger count', () => {
    expect(teamsOfGroup(policy, 'sre')).toEqual(['platform', 'sre']);
    expect(teamsOfGroup(policy, 'nobody')).toEqual([]);
    expect(mergeRequirements([{ group: 'cab', count: 1 }], [{ group: 'cab', count: 2 }, { group: 'owner', count: 1 }])).toEqual([{ group: 'cab', count: 2 }, { group: 'owner', count: 1 }]);
  });
});

describe('globs', () => {
  it.each([
    ['teams/**', 'teams/a.yaml', true],
    ['teams/**', 'teams/x/y.yaml', true],
    ['teams/**', 'teamsx/a.yaml', false],
    ['changes/policy.yaml', 'changes/policy.yaml', true],
    ['changes/*.yaml', 'changes/sub/a.yaml', false],
    ['**/policy.yaml', 'policy.yaml', true],
    ['**/policy.yaml', 'a/b/policy.yaml', true],
    ['changes/calendar.y?ml', 'changes/calendar.yaml', true],
    ['a.b', 'aXb', false],
  ])('%s matches %s: %s', (glob, path, match) => {
    expect(globMatcher([glob])(path)).toBe(match);
  });

  it('filters paths', () => {
    expect(matchingPaths(['teams/a.yaml', 'services/x.yaml'], ['teams/**'])).toEqual(['teams/a.yaml']);
  });
});
