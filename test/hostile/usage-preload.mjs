// Loaded with `node --import` into a CLI run of the hostile suite: at exit, the process's own
// resource usage (peak RSS among it) goes to the file the harness named, without a dependency
// on /usr/bin/time. A run killed by a signal or by the heap cap writes nothing.
import { writeFileSync } from 'node:fs';

const target = process.env.OPSLEDGER_USAGE_FILE;
if (target) {
  process.on('exit', () => {
    try {
      writeFileSync(target, JSON.stringify(process.resourceUsage()));
    } catch {
      // The measurement is optional; it must never change the run's outcome.
    }
  });
}
