import { mkdirSync, writeFile } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * Writes many small files while the caller keeps rendering: each write runs on libuv's thread
 * pool, and the caller waits only when too many are outstanding. At 80k pages this overlaps
 * the disk with rendering instead of adding the two. (fs/promises' writeFile is several times
 * slower per small file than the callback form, so the callback form it is.)
 */
export class FileWriter {
  private pending = 0;
  private failure: Error | undefined;
  private wake: (() => void) | undefined;
  private readonly made = new Set<string>();
  files = 0;

  constructor(
    private readonly dir: string,
    private readonly limit = 32,
  ) {}

  async write(rel: string, content: string | Buffer): Promise<void> {
    if (this.failure) throw this.failure;
    const file = join(this.dir, rel);
    const folder = dirname(file);
    if (!this.made.has(folder)) {
      mkdirSync(folder, { recursive: true });
      this.made.add(folder);
    }
    this.pending++;
    this.files++;
    writeFile(file, content, (err) => {
      this.pending--;
      if (err && !this.failure) this.failure = err;
      this.wake?.();
    });
    if (this.pending >= this.limit) await this.settle(this.limit - 1);
  }

  /** Waits until at most `max` writes are outstanding (0: all done); rethrows the first failure. */
  async settle(max = 0): Promise<void> {
    while (this.pending > max) await new Promise<void>((resolve) => (this.wake = resolve));
    this.wake = undefined;
    if (this.failure) throw this.failure;
  }
}
