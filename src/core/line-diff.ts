/**
 * A line diff for "this generated file is out of date" messages: the longest common
 * subsequence of lines, printed in unified style with a little context. Generated files are
 * small (one line per service), so the quadratic table is fine.
 */
export function lineDiff(before: string, after: string, labels: { before: string; after: string }, context = 2): string {
  const a = before === '' ? [] : before.replace(/\n$/, '').split('\n');
  const b = after === '' ? [] : after.replace(/\n$/, '').split('\n');
  const n = a.length;
  const m = b.length;
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  const ops: { op: ' ' | '-' | '+'; line: string }[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      ops.push({ op: ' ', line: a[i]! });
      i++;
      j++;
    } else if (i < n && (j >= m || lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) ops.push({ op: '-', line: a[i++]! });
    else ops.push({ op: '+', line: b[j++]! });
  }
  if (!ops.some((o) => o.op !== ' ')) return '';
  const keep = ops.map((o, k) => o.op !== ' ' || ops.slice(Math.max(0, k - context), k + context + 1).some((x) => x.op !== ' '));
  const out = [`--- ${labels.before}`, `+++ ${labels.after}`];
  let last = -2;
  ops.forEach((o, k) => {
    if (!keep[k]) return;
    // A hunk marker wherever unchanged lines were skipped (and before the first hunk).
    if (k !== last + 1) out.push('@@');
    out.push(`${o.op}${o.line}`);
    last = k;
  });
  return out.join('\n') + '\n';
}
