import { closeSync, fstatSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** What the site manifest remembers of a file it wrote: its size and times right after the write. */
export interface WrittenStat {
  size: number;
  mtimeMs: number;
  ctimeMs: number;
}

/**
 * Writes the site's many small files, synchronously. Measured on a 2-core VM writing 50k files
 * of 4.6 KB into one folder: writeFileSync 1.6 s (1.5 s system time); the callback writeFile,
 * 32 at a time, 8.4 s with 15 s of system time, since each file costs three hand-offs to
 * libuv's pool (open, write, close) and every hand-off wakes a thread. A render thread that
 * writes its own pages keeps the disk work on every core anyway.
 */
export class FileWriter {
  private readonly made = new Set<string>();
  files = 0;

  constructor(private readonly dir: string) {}

  /** Writes the file and returns its stat as written (the descriptor's own, so no second lookup by name). */
  write(rel: string, content: string | Buffer): WrittenStat {
    const file = join(this.dir, rel);
    const folder = dirname(file);
    if (!this.made.has(folder)) {
      mkdirSync(folder, { recursive: true });
      this.made.add(folder);
    }
    const fd = openSync(file, 'w');
    try {
      const bytes = typeof content === 'string' ? Buffer.from(content) : content;
      for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at, bytes.length - at);
      const st = fstatSync(fd);
      this.files++;
      return { size: st.size, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs };
    } finally {
      closeSync(fd);
    }
  }
}
