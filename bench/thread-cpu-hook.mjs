// Preloaded into a measured Node process (NODE_OPTIONS=--import) by bench/cold.mjs: as the
// process exits it appends, to $BENCH_CPU_FILE, the CPU time of its main thread and of the
// whole process (every thread, workers and V8's helpers included), from /proc (Linux only).
// On a machine whose 2 cores other work shares, wall time follows the other work; the main
// thread's CPU is the part of the run that no second core can take over.
import { appendFileSync, readFileSync } from 'node:fs';
import { isMainThread } from 'node:worker_threads';

const seconds = (path) => {
  const stat = readFileSync(path, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in clock ticks (100/s)
};

if (isMainThread && process.env.BENCH_CPU_FILE) {
  const file = process.env.BENCH_CPU_FILE;
  process.on('exit', () => {
    try {
      appendFileSync(file, JSON.stringify({ main: seconds(`/proc/self/task/${process.pid}/stat`), all: seconds('/proc/self/stat') }) + '\n');
    } catch {
      // not Linux, or nothing to report to
    }
  });
}
