// Fallback peak-memory probe, used by bench/run.mjs only when GNU time (/usr/bin/time -f) is
// missing: preloaded with NODE_OPTIONS=--import into the measured Node process, it writes the
// process's peak resident set size (KiB, all threads) to $BENCH_RSS_FILE when the process exits.
import { writeFileSync } from 'node:fs';
import { isMainThread } from 'node:worker_threads';

if (isMainThread && process.env.BENCH_RSS_FILE) {
  const file = process.env.BENCH_RSS_FILE;
  process.on('exit', () => {
    try {
      writeFileSync(file, String(process.resourceUsage().maxRSS));
    } catch {
      // nothing to report to
    }
  });
}
