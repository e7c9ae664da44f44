/**
 * GitHub refuses a step's job summary over 1 MiB and then shows none of it, so a summary is cut
 * to fit, at a line boundary, with a last line that says so. The margin leaves room for the
 * note and for whatever the step wrote before us.
 */
export const JOB_SUMMARY_LIMIT = 1024 * 1024;
const MARGIN = 4096;

export function fitJobSummary(markdown: string, alreadyWritten: number, limit = JOB_SUMMARY_LIMIT): { text: string; cut: boolean } {
  const room = limit - MARGIN - alreadyWritten;
  const bytes = Buffer.from(markdown, 'utf8');
  if (bytes.length <= room) return { text: markdown, cut: false };
  if (room <= 0) return { text: '', cut: true };
  // Back to the last whole line that fits (a cut inside a character or a table row reads as garbage).
  let end = bytes.lastIndexOf(0x0a, room - 1);
  if (end < 0) end = 0;
  const kept = bytes.subarray(0, end).toString('utf8');
  const left = bytes.length - end;
  return { text: `${kept}\n\n> ⚠️ The rest of this summary (${Math.ceil(left / 1024)} KiB) is cut: GitHub shows no job summary over 1 MiB. Each change's form is whole on its page in the catalog (\`opsledger catalog\`).\n`, cut: true };
}
