import { closeSync, openSync, writeSync } from 'node:fs';

/**
 * A cache shard written batch by batch: one JSON array, so a reader sees either the whole
 * shard or text that does not parse (and then ignores it).
 */
export class ShardWriter {
  private fd: number | undefined;
  private first = true;

  constructor(path: string | undefined) {
    if (!path) return;
    try {
      // Exclusive: a name already taken (a link committed into the cache folder) is never opened.
      this.fd = openSync(path, 'wx');
      writeSync(this.fd, '[');
    } catch {
      this.fd = undefined; // an unwritable cache leaves the next run cold, nothing more
    }
  }

  /** Appends a batch in analysis-codec's text (a JSON array). */
  add(text: string): void {
    if (this.fd === undefined || text.length <= 2) return;
    try {
      writeSync(this.fd, (this.first ? '' : ',') + text.slice(1, -1));
      this.first = false;
    } catch {
      this.abandon();
    }
  }

  /** True when the shard is complete on disk. */
  close(): boolean {
    if (this.fd === undefined) return false;
    try {
      writeSync(this.fd, ']');
      closeSync(this.fd);
      this.fd = undefined;
      return true;
    } catch {
      this.abandon();
      return false;
    }
  }

  private abandon(): void {
    try {
      if (this.fd !== undefined) closeSync(this.fd);
    } catch {
      // already gone
    }
    this.fd = undefined;
  }
}
