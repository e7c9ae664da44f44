import type { ChangeRequest } from '../model.js';
import type { Conflict } from './types.js';
import { english, phrase, type Phrase } from '../phrase.js';

/** A diff's size as git measures it (`git diff --numstat`): binary files count as files, not lines. */
export interface DiffSize {
  files: number;
  additions: number;
  deletions: number;
}

/** The size a change is scored with, and where it came from, so the factor can say so. */
export interface ScoredDiff {
  /** Changed lines (additions + deletions) the large-diff factor compares with the policy. */
  lines: number;
  declared?: number;
  measured?: number;
  /** The requester declared fewer lines than git measured: the declaration was ignored. */
  understated: boolean;
}

export function diffLines(size: { additions?: number; deletions?: number }): number {
  return (size.additions ?? 0) + (size.deletions ?? 0);
}

/**
 * The one answer to "how large is this change's diff" for every caller (risk, the CAB, the
 * gate, the catalog). `spec.diff` is typed by the requester, so a measurement from git wins
 * whenever it is larger; a declaration larger than the measurement stands, since claiming
 * more risk than git sees (work in another repository, a generated artefact) is never a way
 * round a control. With nothing measured, the declaration is all there is.
 */
export function scoredDiffSize(change: ChangeRequest, measured: DiffSize | undefined): ScoredDiff | undefined {
  const declaredSize = change.spec.diff;
  const declared = declaredSize ? diffLines(declaredSize) : undefined;
  if (!measured) return declared === undefined ? undefined : { lines: declared, declared, understated: false };
  const m = diffLines(measured);
  const lines = Math.max(m, declared ?? 0);
  return { lines, measured: m, ...(declared !== undefined ? { declared } : {}), understated: declared !== undefined && declared < m };
}

/** Where the number came from, for the factor's reason. */
export function diffProvenance(d: ScoredDiff): Phrase {
  if (d.measured === undefined) return phrase('diff.declaredOnly');
  if (d.declared === undefined) return phrase('diff.measured');
  return phrase('diff.both', { declared: d.declared, measured: d.measured });
}

/** A declaration below what git measured is reported whatever the threshold: it is how a requester would talk a score down. */
export function understatedDiff(d: ScoredDiff | undefined): Conflict | undefined {
  if (!d?.understated) return undefined;
  const why = phrase('conflict.diffUnderstated', { declared: d.declared!, measured: d.measured! });
  return { code: 'diff-understated', severity: 'warning', with: 'spec.diff', message: english(why), phrase: why };
}
