import { describe, expect, it } from 'vitest';
import { decodeUtf8 } from '../../src/core/utf8.js';

const bytes = (s: string) => new TextEncoder().encode(s);

describe('decodeUtf8, one decoder for every call', () => {
  it('gives each text as if it were the only one: a byte-order mark dropped every time, a failure forgotten', () => {
    const withBom = Uint8Array.from([0xef, 0xbb, 0xbf, ...bytes('kind: Team\n')]);
    const broken = Uint8Array.from([...bytes('kind: Te'), 0xff, 0xfe, ...bytes('am\n')]);
    // A sequence cut at the end of a call must not join the next one.
    const cut = Uint8Array.from([...bytes('a: '), 0xe2, 0x82]);
    const runs: [Uint8Array, ReturnType<typeof decodeUtf8>][] = [
      [withBom, { text: 'kind: Team\n' }],
      [withBom, { text: 'kind: Team\n' }],
      [broken, { badOffset: 8 }],
      [bytes('é\n'), { text: 'é\n' }],
      [cut, { badOffset: 3 }],
      [Uint8Array.from([0xac, ...bytes('\n')]), { badOffset: 0 }],
      [withBom, { text: 'kind: Team\n' }],
      [Uint8Array.from([0xef, 0xbb, 0xbf, 0xef, 0xbb, 0xbf, ...bytes('x')]), { text: 'x' }],
    ];
    for (const [input, expected] of runs) expect(decodeUtf8(input)).toEqual(expected);
  });
});
