import { describe, expect, it } from 'vitest';
import { coAuthorEmails, decideApprovals, type ApprovalInput, type Review } from '../../src/core/approvals.js';

const HEAD = 'c0ffee0000000000000000000000000000000000';
const OLD = 'bada550000000000000000000000000000000000';

function input(reviews: Partial<Review>[], over: Partial<ApprovalInput> = {}): ApprovalInput {
  return {
    prAuthor: 'alice',
    headSha: HEAD,
    reviews: reviews.map((r, i) => ({ id: i + 1, login: 'carol', state: 'APPROVED', commitId: HEAD, submittedAt: `2026-11-20T10:0${i}:00Z`, ...r })),
    commits: [
      { sha: OLD, authorLogin: 'alice', committerLogin: 'alice', message: 'Add change\n\nCo-authored-by: Bob Builder <bob@northwind.example>' },
      { sha: HEAD, authorLogin: 'alice', committerLogin: 'web-flow', message: 'Tweak schedule\n\nCo-authored-by: Dana <4242+dana-lee@users.noreply.github.com>' },
    ],
    requirements: [{ group: 'cab', count: 1 }],
    members: { cab: ['carol', 'dana-lee', 'bob', 'alice'], owner: ['erin'], emergency: ['frank'] },
    emailLogins: { 'bob@northwind.example': 'bob' },
    ...over,
  };
}

describe('decideApprovals', () => {
  it.each([
    ['a CAB member approving the head commit', [{ login: 'carol' }], true, []],
    ['the author approving', [{ login: 'alice' }], false, [['alice', 'author']]],
    ['a co-author by trailer (mapped email)', [{ login: 'bob' }], false, [['bob', 'co-author']]],
    ['a co-author by trailer (noreply email)', [{ login: 'dana-lee' }], false, [['dana-lee', 'co-author']]],
    ['an approval given before the last push', [{ login: 'carol', commitId: OLD }], false, [['carol', 'stale']]],
    ['a dismissed review', [{ login: 'carol' }, { login: 'carol', state: 'DISMISSED' }], false, [['carol', 'superseded']]],
    ['changes requested after approving', [{ login: 'carol' }, { login: 'carol', state: 'CHANGES_REQUESTED' }], false, [['carol', 'superseded']]],
    ['a comment after approving keeps the approval', [{ login: 'carol' }, { login: 'carol', state: 'COMMENTED' }], true, []],
    ['an approver outside the required group', [{ login: 'erin' }], false, [['erin', 'not-in-group']]],
    ['login case does not matter', [{ login: 'Carol' }], true, []],
  ] as const)('%s', (_name, reviews, met, rejected) => {
    const d = decideApprovals(input(reviews as unknown as Partial<Review>[]));
    expect(d.met).toBe(met);
    expect(d.rejected.map((r) => [r.login, r.reason])).toEqual(rejected);
  });

  it('counts one person towards one requirement only', () => {
    const reqs = [
      { group: 'owner', count: 1 },
      { group: 'cab', count: 1 },
    ];
    const both = { cab: ['carol'], owner: ['carol'] };
    expect(decideApprovals(input([{ login: 'carol' }], { requirements: reqs, members: both })).met).toBe(false);
    const two = { cab: ['carol', 'erin'], owner: ['carol'] };
    const d = decideApprovals(input([{ login: 'carol' }, { login: 'erin' }], { requirements: reqs, members: two }));
    // carol must take the owner slot so that erin can fill the CAB's.
    expect(d.requirements.map((r) => [r.group, r.approvers])).toEqual([
      ['owner', ['carol']],
      ['cab', ['erin']],
    ]);
    expect(d.met).toBe(true);
  });

  it('accepts an emergency approver when the requirement is the emergency group', () => {
    const d = decideApprovals(input([{ login: 'frank' }], { requirements: [{ group: 'emergency', count: 1 }] }));
    expect(d.met).toBe(true);
    expect(d.requirements[0]!.approvers).toEqual(['frank']);
  });

  it('needs as many distinct approvers as the count', () => {
    const req = [{ group: 'cab', count: 2 }];
    expect(decideApprovals(input([{ login: 'carol' }], { requirements: req })).met).toBe(false);
    expect(decideApprovals(input([{ login: 'carol' }, { login: 'carol' }], { requirements: req })).met).toBe(false);
  });

  it.each([
    ['Co-authored-by: A <a@x.example>\nco-authored-by: B <B@Y.example>', ['a@x.example', 'b@y.example']],
    ['no trailers here', []],
  ])('reads co-author trailers from %j', (message, emails) => {
    expect(coAuthorEmails(message)).toEqual(emails);
  });
});
