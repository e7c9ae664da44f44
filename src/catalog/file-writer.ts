import { mkdirSync, writeFile } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * Writes many small files while the caller keeps rendering: each write runs on libuv's thread
 * pool, and the caller waits only when too many are outstanding. At 80k pages this overlaps
 * the disk with rendering instead of adding the two. (fs/promises' writeFile is several times
 * slower per small file than the callback form, so the callback form it is.)
 *
 * Text is encoded into a fixed set of reusable buffers, one per write in flight. A fresh buffer
 * per page meant 650 MB of newly mapped memory over an 80k-page build, and the page faults
 * for it cost more system time than the writes themselves.
 */
const SLAB_BYTES = 256 * 1024;
/** A character never takes more bytes than this in UTF-8: less room than that left may mean the text did not fit. */
const MAX_CHAR_BYTES = 4;

export class FileWriter {
  private pending = 0;
  private failure: Error | undefined;
  private wake: (() => void) | undefined;
  private readonly made = new Set<string>();
  private readonly slabs: Buffer[] = [];
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
    let slab: Buffer | undefined;
    let bytes: Buffer | string = content;
    if (typeof content === 'string') {
      slab = this.slabs.pop() ?? Buffer.allocUnsafeSlow(SLAB_BYTES);
      const n = slab.write(content, 'utf8');
      if (n <= SLAB_BYTES - MAX_CHAR_BYTES) bytes = slab.subarray(0, n);
      else {
        this.slabs.push(slab);
        slab = undefined;
      }
    }
    this.pending++;
    this.files++;
    writeFile(file, bytes, (err) => {
      this.pending--;
      if (slab) this.slabs.push(slab);
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
