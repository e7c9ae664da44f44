import type { FileAnalysis } from '../../core/analyze.js';

/**
 * Analyses of git blobs, kept in memory across the App's deliveries. A blob id is a hash of
 * the content, so an entry never goes stale; it is keyed with the path too, since an analysis
 * names its file and some rules read the file's stem. A pull request's head differs from its
 * base in a few files, and the next pull request shares the base: reading a commit costs one
 * `git ls-tree` and the parsing of blobs never seen before.
 *
 * Memory is bounded by the bytes of the blobs held (their analyses and values take a few times
 * that; BYTES_TO_MEMORY is the estimate used), least recently used first out. The analyses are
 * shared between every commit's organisation that holds the blob, so nothing may change them.
 */
export interface BlobEntry {
  analysis: FileAnalysis;
  bytes: Uint8Array;
}

export interface BlobCacheStats {
  hits: number;
  /** Blobs read out of git and parsed. */
  parsed: number;
  evicted: number;
  entries: number;
  /** Estimated memory held, in bytes. */
  bytes: number;
}

/** Values, records and diagnostics in memory against the YAML's own size (measured on the bench's L organisation). */
const BYTES_TO_MEMORY = 5;

export class BlobAnalysisCache {
  private readonly entries = new Map<string, { entry: BlobEntry; cost: number }>();
  private held = 0;
  private readonly counts = { hits: 0, parsed: 0, evicted: 0 };

  constructor(readonly maxBytes = 1024 * 1024 * 1024) {}

  private static key(oid: string, path: string): string {
    return `${oid}\0${path}`;
  }

  get(oid: string, path: string): BlobEntry | undefined {
    const key = BlobAnalysisCache.key(oid, path);
    const found = this.entries.get(key);
    if (!found) return undefined;
    // Re-inserted: a Map iterates in insertion order, so the first key is the least recently used.
    this.entries.delete(key);
    this.entries.set(key, found);
    this.counts.hits++;
    return found.entry;
  }

  set(oid: string, path: string, entry: BlobEntry): void {
    this.counts.parsed++;
    const cost = Math.max(1, entry.bytes.length) * BYTES_TO_MEMORY;
    if (cost > this.maxBytes) return;
    const key = BlobAnalysisCache.key(oid, path);
    const old = this.entries.get(key);
    if (old) {
      this.held -= old.cost;
      this.entries.delete(key);
    }
    this.entries.set(key, { entry, cost });
    this.held += cost;
    for (const [k, v] of this.entries) {
      if (this.held <= this.maxBytes) break;
      this.entries.delete(k);
      this.held -= v.cost;
      this.counts.evicted++;
    }
  }

  get stats(): BlobCacheStats {
    return { ...this.counts, entries: this.entries.size, bytes: this.held };
  }
}
