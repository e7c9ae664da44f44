import type { FileStat } from './analyze-disk.js';
import type { FolderStat } from './discover.js';

/**
 * The validation cache's file index, in binary: a warm run at 45k files reads it whole and an
 * edit writes it whole, and as JSON (a few megabytes of short strings and long numbers) its
 * parsing and writing cost more than every stat of the run.
 *
 *   header:  "OLIX", then u32 files, folders, and the byte lengths of the three texts
 *   numbers: f64 per file: size (-1: no stat), mtimeMs, ctimeMs, ino, documents
 *   folders: f64 per folder: mtimeMs, ctimeMs, ino
 *   texts:   the files' paths joined by NUL; their records digests, RECORDS characters each;
 *            the folders' paths joined by NUL
 *
 * Paths never hold NUL. Anything that does not add up is no index at all (the run starts cold).
 */
export const NUMBERS = 5;
const FOLDER_NUMBERS = 3;
const RECORDS = 22;
const MAGIC = 0x58494c4f; // "OLIX" little-endian
const HEADER = 24;

/** One file as the next run will compare it. */
export interface FileEntry {
  rel: string;
  stat: FileStat | undefined;
  documents: number;
  /** The records digest (analysis-codec's recordsDigest). */
  records: string;
}

export interface FileIndex {
  count: number;
  /** The bytes it was read from. */
  bytes: Buffer;
  /** NUMBERS per file. */
  numbers: Float64Array;
  rels(): string[];
  sameRels(files: readonly { rel: string }[]): boolean;
  records(index: number): string | undefined;
  folders(): FolderStat[];
}

export function encodeIndex(files: readonly FileEntry[], folders: readonly FolderStat[]): Buffer {
  const rels = Buffer.from(files.map((f) => f.rel).join('\0'), 'utf8');
  const records = Buffer.from(files.map((f) => (f.records.length === RECORDS ? f.records : '?'.repeat(RECORDS))).join(''), 'latin1');
  const folderRels = Buffer.from(folders.map((f) => f.rel).join('\0'), 'utf8');
  const numbers = new Float64Array(files.length * NUMBERS);
  files.forEach((f, i) => setNumbers(numbers, i * NUMBERS, f));
  const folderNumbers = new Float64Array(folders.length * FOLDER_NUMBERS);
  folders.forEach((f, i) => folderNumbers.set([f.mtimeMs, f.ctimeMs, f.ino], i * FOLDER_NUMBERS));
  const header = Buffer.alloc(HEADER);
  header.writeUInt32LE(MAGIC, 0);
  header.writeUInt32LE(files.length, 4);
  header.writeUInt32LE(folders.length, 8);
  header.writeUInt32LE(rels.length, 12);
  header.writeUInt32LE(records.length, 16);
  header.writeUInt32LE(folderRels.length, 20);
  return Buffer.concat([header, Buffer.from(numbers.buffer), Buffer.from(folderNumbers.buffer), rels, records, folderRels]);
}

function setNumbers(numbers: Float64Array, o: number, f: Pick<FileEntry, 'stat' | 'documents'>): void {
  const s = f.stat;
  numbers[o] = s ? s.size : -1;
  numbers[o + 1] = s ? s.mtimeMs : 0;
  numbers[o + 2] = s ? s.ctimeMs : 0;
  numbers[o + 3] = s ? s.ino : 0;
  numbers[o + 4] = f.documents;
}

/**
 * The index `bytes` (as decodeIndex accepted them) with the entries at these positions of its
 * file list replaced, the paths and folders kept: what an edit of a few files writes, without
 * encoding every other entry again.
 */
export function patchIndex(bytes: Buffer, changes: ReadonlyMap<number, Omit<FileEntry, 'rel'>>): Buffer {
  const out = Buffer.from(bytes);
  const count = out.readUInt32LE(4);
  const folderCount = out.readUInt32LE(8);
  const recordsAt = HEADER + (count * NUMBERS + folderCount * FOLDER_NUMBERS) * 8 + out.readUInt32LE(12);
  const row = new Float64Array(NUMBERS);
  for (const [i, entry] of changes) {
    if (!Number.isInteger(i) || i < 0 || i >= count) throw new Error('no such entry in the file index');
    setNumbers(row, 0, entry);
    Buffer.from(row.buffer).copy(out, HEADER + i * NUMBERS * 8);
    out.write(entry.records.length === RECORDS ? entry.records : '?'.repeat(RECORDS), recordsAt + i * RECORDS, RECORDS, 'latin1');
  }
  return out;
}

/** Throws on bytes that are not an index. */
export function decodeIndex(bytes: Buffer): FileIndex {
  if (bytes.length < HEADER || bytes.readUInt32LE(0) !== MAGIC) throw new Error('not a file index');
  const count = bytes.readUInt32LE(4);
  const folderCount = bytes.readUInt32LE(8);
  const lengths = [bytes.readUInt32LE(12), bytes.readUInt32LE(16), bytes.readUInt32LE(20)] as const;
  const numbersAt = HEADER;
  const foldersAt = numbersAt + count * NUMBERS * 8;
  const relsAt = foldersAt + folderCount * FOLDER_NUMBERS * 8;
  const recordsAt = relsAt + lengths[0];
  const folderRelsAt = recordsAt + lengths[1];
  if (folderRelsAt + lengths[2] !== bytes.length || lengths[1] !== count * RECORDS) throw new Error('a file index that does not add up');
  // Copied out: the bytes read need not be aligned for a Float64Array.
  const numbers = new Float64Array(count * NUMBERS);
  Buffer.from(numbers.buffer).set(bytes.subarray(numbersAt, foldersAt));
  const folderNumbers = new Float64Array(folderCount * FOLDER_NUMBERS);
  Buffer.from(folderNumbers.buffer).set(bytes.subarray(foldersAt, relsAt));
  const relText = bytes.toString('utf8', relsAt, recordsAt);
  const recordText = bytes.toString('latin1', recordsAt, folderRelsAt);
  const split = (text: string, n: number) => {
    const out = n === 0 ? [] : text.split('\0');
    if (out.length !== n) throw new Error('a file index that does not add up');
    return out;
  };
  const relList = split(relText, count);
  const folderRels = split(bytes.toString('utf8', folderRelsAt), folderCount);
  return {
    count,
    bytes,
    numbers,
    rels: () => relList,
    sameRels: (files) => files.length === count && files.every((f, i) => f.rel === relList[i]),
    records: (i) => {
      if (i < 0 || i >= count) return undefined;
      const r = recordText.slice(i * RECORDS, (i + 1) * RECORDS);
      return r.includes('?') ? undefined : r;
    },
    folders: () => folderRels.map((rel, i) => ({ rel, mtimeMs: folderNumbers[i * FOLDER_NUMBERS]!, ctimeMs: folderNumbers[i * FOLDER_NUMBERS + 1]!, ino: folderNumbers[i * FOLDER_NUMBERS + 2]! })),
  };
}
