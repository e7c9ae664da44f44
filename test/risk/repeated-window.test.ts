import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/org.js';
import { assessIn, changeDoc } from './org-builder.js';

/**
 * An Argo CD deny window every hour from 8 to 18 on weekdays, imported with `calendar import
 * argocd`, met by a change that runs through a working day: one conflict with the count and
 * the first and last occurrence, not eleven.
 */
const APP_PROJECT = `apiVersion: argoproj.io/v1alpha1
kind: AppProject
metadata: {name: prod}
spec:
  syncWindows:
  - kind: deny
    schedule: '0 8-18 * * 1-5'
    duration: 1h
    applications: ['*']
    timeZone: Asia/Seoul
`;

describe('a window repeating inside a change', () => {
  it('is one conflict with its count, first and last occurrence', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'opsledger-argo-'));
    writeFileSync(path.join(dir, 'project.yaml'), APP_PROJECT);
    const imported = await cli(['calendar', 'import', 'argocd', path.join(dir, 'project.yaml'), '--since', '2026-11-01T00:00:00Z', '--name', 'argo', '--out', path.join(dir, 'argo.yaml')], dir);
    expect(imported.code, imported.stderr).toBe(0);
    const [r] = await assessIn(
      {
        'changes/argo.yaml': readFileSync(path.join(dir, 'argo.yaml'), 'utf8'),
        // Wednesday 2 December 2026, 07:00 to 19:00 in Seoul: hours 8 to 18 each start a window.
        'changes/CR-2026-0100.yaml': changeDoc('CR-2026-0100', '  type: normal\n  services: [cart]\n', { start: '2026-12-02T07:00:00+09:00', end: '2026-12-02T19:00:00+09:00' }),
      },
      Date.parse('2026-11-22T00:00:00Z'),
      ['CR-2026-0100'],
    );
    const freezes = r!.conflicts.filter((c) => c.code === 'freeze');
    expect(freezes.map((c) => [c.with, c.occurrences, c.first, c.last])).toEqual([['prod-freeze-1', 11, '2026-12-01T23:00:00Z', '2026-12-02T10:00:00Z']]);
    expect(r!.controls.find((c) => c.code === 'freeze')!.detail).toBe('inside prod-freeze-1 (11 times)');
  });
});
