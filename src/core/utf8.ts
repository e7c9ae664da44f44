// Apart from the analysis: the cross-document checks decode a file to place a finding, and must not load the parsers to do so.

const BOM = '\uFEFF';
// One for every call: a decode without `stream` starts afresh, and a decoder per file was a
// measurable share of decoding the small files of a catalogue.
const STRICT = new TextDecoder('utf-8', { fatal: true });

/** Decodes strict UTF-8; on failure returns the byte offset of the first bad sequence. */
export function decodeUtf8(bytes: Uint8Array): { text: string } | { badOffset: number } {
  try {
    const text = STRICT.decode(bytes);
    return { text: text.startsWith(BOM) ? text.slice(1) : text };
  } catch {
    return { badOffset: firstInvalidUtf8(bytes) };
  }
}

function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    const len = c < 0x80 ? 1 : c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
    if (len === 0 || i + len > b.length) return i;
    for (let k = 1; k < len; k++) if ((b[i + k]! & 0xc0) !== 0x80) return i;
    i += len;
  }
  return i;
}

