/**
 * GBK and GB18030 in both directions, checked against iconv-lite (its own tables, no ICU) as
 * an independent oracle. The runtime's ICU follows GB18030-2022, iconv-lite GB18030-2005; the
 * 18 code points the 2022 edition moved out of the Private Use Area are the only expected
 * disagreement, and are checked against the 2022 table itself.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import iconv from 'iconv-lite';
import type { TextEncodingName } from '@shared/contract';
import { encodePayload, payloadProblem } from '@shared/payload';
import { ByteWriter, decodeText, encodeText } from '@shared/text-encoding';
import { toEscapedText } from '@shared/visible-text';

const b = (...values: number[]): Uint8Array => Uint8Array.from(values);
const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

const encoded = (text: string, encoding: TextEncodingName): Uint8Array => {
  const result = encodeText(text, encoding);
  if (!result.ok) throw new Error(`expected ${JSON.stringify(text)} to encode in ${encoding}: ${result.message}`);
  return result.bytes;
};

const oracle = (text: string, encoding: 'gbk' | 'gb18030'): Uint8Array => new Uint8Array(iconv.encode(text, encoding));

const resent = (text: string, encoding: TextEncodingName): Uint8Array => {
  const result = encodePayload({ format: 'text', value: text, encoding, escapes: true, lineEnding: 'none' });
  if (!result.ok) throw new Error(`expected ${JSON.stringify(text)} to encode: ${result.error.message}`);
  return result.value;
};

/** GB18030-2022: 2-byte codes that left the PUA (2005 mapping → 2022 mapping). */
const GB18030_2022_TWO_BYTE: ReadonlyMap<number, readonly [number, number]> = new Map([
  [0xa6d9, [0xe78d, 0xfe10]],
  [0xa6da, [0xe78e, 0xfe12]],
  [0xa6db, [0xe78f, 0xfe11]],
  [0xa6dc, [0xe790, 0xfe13]],
  [0xa6dd, [0xe791, 0xfe14]],
  [0xa6de, [0xe792, 0xfe15]],
  [0xa6df, [0xe793, 0xfe16]],
  [0xa6ec, [0xe794, 0xfe17]],
  [0xa6ed, [0xe795, 0xfe18]],
  [0xa6f3, [0xe796, 0xfe19]],
  [0xfe59, [0xe81e, 0x9fb4]],
  [0xfe61, [0xe826, 0x9fb5]],
  [0xfe66, [0xe82b, 0x9fb6]],
  [0xfe67, [0xe82c, 0x9fb7]],
  [0xfe6d, [0xe832, 0x9fb8]],
  [0xfe7e, [0xe843, 0x9fb9]],
  [0xfe90, [0xe854, 0x9fba]],
  [0xfea0, [0xe864, 0x9fbb]],
]);
const MOVED_IN_2022 = new Set([...GB18030_2022_TWO_BYTE.values()].flat());

/** 2-byte codes that decode to a character whose own code is elsewhere (first one wins). */
const DUPLICATE_TWO_BYTE = new Map([
  [0xa3a0, 0xa1a1], // U+3000, IDEOGRAPHIC SPACE
]);

function* everyTwoByteCode(): Generator<number> {
  for (let lead = 0x81; lead <= 0xfe; lead++) {
    for (let trail = 0x40; trail <= 0xfe; trail++) if (trail !== 0x7f) yield (lead << 8) | trail;
  }
}

const fourBytes = (pointer: number): Uint8Array =>
  b(
    0x81 + Math.floor(pointer / 12600),
    0x30 + (Math.floor(pointer / 1260) % 10),
    0x81 + (Math.floor(pointer / 10) % 126),
    0x30 + (pointer % 10),
  );

describe('GBK and GB18030 against iconv-lite', () => {
  it('decodes every 2-byte code as iconv-lite does, and encodes it back to the same bytes', () => {
    let checked = 0;
    for (const code of everyTwoByteCode()) {
      const bytes = b(code >> 8, code & 0xff);
      const text = decodeText(bytes, 'gbk');
      expect(decodeText(bytes, 'gb18030')).toBe(text);
      const moved = GB18030_2022_TWO_BYTE.get(code);
      if (moved) {
        expect(iconv.decode(Buffer.from(bytes), 'gbk').codePointAt(0)).toBe(moved[0]);
        expect(text.codePointAt(0)).toBe(moved[1]);
      } else {
        expect(text, hex(bytes)).toBe(iconv.decode(Buffer.from(bytes), 'gbk'));
      }
      const back = DUPLICATE_TWO_BYTE.get(code) ?? code;
      // GBK writes the euro sign as its single byte 0x80, GB18030 as A2 E3.
      const gbk = code === 0xa2e3 ? b(0x80) : b(back >> 8, back & 0xff);
      expect(hex(encoded(text, 'gbk')), hex(bytes)).toBe(hex(gbk));
      expect(hex(encoded(text, 'gb18030')), hex(bytes)).toBe(hex(b(back >> 8, back & 0xff)));
      if (!moved) {
        expect(encoded(text, 'gbk')).toEqual(oracle(text, 'gbk'));
        expect(encoded(text, 'gb18030')).toEqual(oracle(text, 'gb18030'));
      }
      checked += 1;
    }
    expect(checked).toBe(23940);
  });

  it('writes the euro sign as GBK 80 and GB18030 A2 E3, as iconv-lite does', () => {
    expect(encoded('€', 'gbk')).toEqual(b(0x80));
    expect(encoded('€', 'gb18030')).toEqual(b(0xa2, 0xe3));
    expect(oracle('€', 'gbk')).toEqual(b(0x80));
    expect(oracle('€', 'gb18030')).toEqual(b(0xa2, 0xe3));
    expect(decodeText(b(0x80), 'gbk')).toBe('€');
  });

  it('agrees with iconv-lite on a sample of 4-byte codes in the BMP and beyond', () => {
    const bmpPointer = fc.integer({ min: 0, max: 39419 });
    const astralPointer = fc.integer({ min: 189000, max: 1237575 });
    fc.assert(
      fc.property(fc.oneof(bmpPointer, astralPointer), (pointer) => {
        const bytes = fourBytes(pointer);
        const ours = decodeText(bytes, 'gb18030');
        const theirs = iconv.decode(Buffer.from(bytes), 'gb18030');
        const codePoint = ours.codePointAt(0) ?? 0;
        // The 2022 edition's 4-byte codes of the characters it moved now decode to the PUA.
        if (MOVED_IN_2022.has(theirs.codePointAt(0) ?? 0) || MOVED_IN_2022.has(codePoint)) return;
        expect(ours, hex(bytes)).toBe(theirs);
        expect(encoded(ours, 'gb18030'), hex(bytes)).toEqual(bytes);
      }),
      { numRuns: 5000 },
    );
  });

  it('agrees with iconv-lite on every BMP character it can write, and on any astral one', () => {
    for (let codePoint = 0; codePoint <= 0xffff; codePoint++) {
      if ((codePoint >= 0xd800 && codePoint <= 0xdfff) || MOVED_IN_2022.has(codePoint) || codePoint === 0xe5e5) continue;
      const text = String.fromCharCode(codePoint);
      expect(hex(encoded(text, 'gb18030')), text).toBe(hex(oracle(text, 'gb18030')));
    }
    fc.assert(
      fc.property(fc.integer({ min: 0x10000, max: 0x10ffff }), (codePoint) => {
        const text = String.fromCodePoint(codePoint);
        expect(encoded(text, 'gb18030')).toEqual(oracle(text, 'gb18030'));
        expect(decodeText(encoded(text, 'gb18030'), 'gb18030')).toBe(text);
      }),
      { numRuns: 1000 },
    );
  });

  it.each(['你好，世界', '网络调试助手', '中文 ASCII 混排 123 €', '〇㐀䶵鿿'])('round-trips %s', (text) => {
    for (const encoding of ['gbk', 'gb18030'] as const) {
      if (encoding === 'gbk' && text === '〇㐀䶵鿿') continue;
      const bytes = encoded(text, encoding);
      expect(bytes).toEqual(oracle(text, encoding));
      expect(decodeText(bytes, encoding)).toBe(text);
      expect(toEscapedText(bytes, encoding)).toBe(text);
    }
  });

  it('writes 你好 as c4 e3 ba c3 in both', () => {
    expect(hex(encoded('你好', 'gbk'))).toBe('c4e3bac3');
    expect(hex(encoded('你好', 'gb18030'))).toBe('c4e3bac3');
  });

  it('round-trips any text GB18030 can write', () => {
    const written = fc
      .string({ unit: 'grapheme', maxLength: 32 })
      .filter((s) => ![...s].some((c) => MOVED_IN_2022.has(c.codePointAt(0) ?? 0) || c === '\ue5e5'));
    fc.assert(
      fc.property(written, (text) => {
        const bytes = encoded(text, 'gb18030');
        expect(bytes).toEqual(oracle(text, 'gb18030'));
        expect(decodeText(bytes, 'gb18030')).toBe(text);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('GBK and GB18030 errors', () => {
  it('refuses a character GBK lacks, naming it and its position', () => {
    expect(encodeText('ab😀', 'gbk')).toMatchObject({
      ok: false,
      message: "Character '😀' at position 2 cannot be written in GBK; use GB18030 or UTF-8, or \\xNN escapes",
      index: 2,
    });
    expect(encodeText('中Ā', 'gbk')).toMatchObject({ ok: false, index: 1 });
    expect(encoded('中Ā', 'gb18030')).toEqual(b(0xd6, 0xd0, 0x81, 0x30, 0x8b, 0x38));
  });

  it('refuses half a surrogate pair in GB18030', () => {
    expect(encodeText('x\ud800y', 'gb18030')).toMatchObject({
      ok: false,
      message:
        'Character U+D800 at position 1 is half of a surrogate pair and cannot be written in GB18030; use \\xNN escapes for raw bytes',
      index: 1,
    });
    expect(encodeText('😀\udc00', 'gb18030')).toMatchObject({ ok: false, index: 2 });
    expect(encodeText('\udc00', 'gbk')).toMatchObject({ ok: false, index: 0 });
  });

  it('writes nothing of a run that fails, keeping what came before', () => {
    const writer = new ByteWriter();
    expect(writer.writeText('你', 'gbk')).toBeUndefined();
    expect(writer.writeText('好😀', 'gbk', 10)).toMatchObject({ index: 11 });
    writer.writeByte(0x41);
    expect(writer.toBytes()).toEqual(b(0xc4, 0xe3, 0x41));
  });

  it('marks the position in the payload as typed, after escapes', () => {
    expect(payloadProblem({ format: 'text', value: '\\x41你😀', encoding: 'gbk', escapes: true, lineEnding: 'none' })).toMatchObject({
      index: 5,
    });
    expect(payloadProblem({ format: 'text', value: '\\x41你😀', encoding: 'gb18030', escapes: true, lineEnding: 'none' })).toBeUndefined();
  });

  it('appends line endings as single bytes', () => {
    const result = encodePayload({ format: 'text', value: '你好', encoding: 'gbk', escapes: true, lineEnding: 'crlf' });
    expect(result).toEqual({ ok: true, value: b(0xc4, 0xe3, 0xba, 0xc3, 0x0d, 0x0a) });
  });
});

describe('toEscapedText, GBK and GB18030', () => {
  it.each([
    ['Chinese text', 'gbk', b(0xc4, 0xe3, 0xba, 0xc3), '你好'],
    ['the short escapes', 'gb18030', b(0x0d, 0x0a, 0x09, 0x00, 0x5c), '\\r\\n\\t\\0\\\\'],
    ['a lead byte cut off at the end', 'gbk', b(0x41, 0xc4), 'A\\xc4'],
    ['a lead byte before a space, never a trail', 'gbk', b(0xc4, 0x20), '\\xc4 '],
    ['a lead byte before an ASCII letter, which can be a trail', 'gbk', b(0xc4, 0x41), '腁'],
    ['a lead byte before DEL', 'gb18030', b(0xc4, 0x7f), '\\xc4\\x7f'],
    ['0xff, never a lead', 'gbk', b(0xff, 0xc4, 0xe3), '\\xff你'],
    ['0x80 as the euro sign in GBK', 'gbk', b(0x80), '€'],
    ['0x80 as a byte in GB18030, which writes € as A2 E3', 'gb18030', b(0x80), '\\x80'],
    ['A2 E3 as bytes in GBK, which writes € as 80', 'gbk', b(0xa2, 0xe3), '\\xa2\\xe3'],
    ['A2 E3 as the euro sign in GB18030', 'gb18030', b(0xa2, 0xe3), '€'],
    ['a second code of U+3000 as bytes', 'gb18030', b(0xa3, 0xa0), '\\xa3\\xa0'],
    ['a 4-byte code in GB18030', 'gb18030', b(0x81, 0x30, 0x8b, 0x38), 'Ā'],
    ['a 4-byte code as bytes in GBK', 'gbk', b(0x81, 0x30, 0x8b, 0x38), '\\x810\\x8b8'],
    ['an astral 4-byte code', 'gb18030', b(0x94, 0x39, 0xfc, 0x36), '😀'],
    ['an invisible 4-byte character as \\u', 'gb18030', b(0x81, 0x30, 0x81, 0x30), '\\u0080'],
    ['a 4-byte code between the BMP and the astral planes', 'gb18030', b(0x84, 0x31, 0xa5, 0x30), '\\x841\\xa50'],
    ['a 4-byte code cut off', 'gb18030', b(0x81, 0x30, 0x81), '\\x810\\x81'],
    ['a 4-byte code with a bad third byte', 'gb18030', b(0x81, 0x30, 0x41, 0x30), '\\x810A0'],
  ] as const)('shows %s', (_name, encoding, bytes, expected) => {
    expect(toEscapedText(bytes, encoding)).toBe(expected);
    expect(resent(expected, encoding)).toEqual(bytes);
  });

  // Random bytes seldom form valid 4-byte codes; pieces of real codes reach every branch.
  const gbish = fc
    .array(
      fc.oneof(
        fc.uint8Array({ maxLength: 3 }),
        fc.integer({ min: 0, max: 23939 }).map((p) => {
          const trail = p % 190;
          return b(0x81 + Math.floor(p / 190), trail + (trail < 0x3f ? 0x40 : 0x41));
        }),
        fc
          .oneof(fc.integer({ min: 0, max: 39419 }), fc.integer({ min: 39420, max: 188999 }), fc.integer({ min: 189000, max: 1237575 }))
          .map(fourBytes),
        fc.constantFrom(b(0x80), b(0xa2, 0xe3), b(0xa3, 0xa0), b(0xff), b(0x5c)),
      ),
      { maxLength: 16 },
    )
    .map((parts) => Uint8Array.from(parts.flatMap((part) => [...part])));

  for (const encoding of ['gbk', 'gb18030'] as const) {
    it(`sends back exactly the bytes shown, for GB-like bytes in ${encoding}`, () => {
      fc.assert(
        fc.property(gbish, (bytes) => {
          expect(resent(toEscapedText(bytes, encoding), encoding)).toEqual(bytes);
        }),
        { numRuns: 3000 },
      );
    });

    it(`shows valid ${encoding} text without a single \\x escape`, () => {
      const chinese = fc.string({ unit: fc.integer({ min: 0x4e00, max: 0x9fa5 }).map((cp) => String.fromCharCode(cp)), maxLength: 24 });
      fc.assert(
        fc.property(chinese, (text) => {
          expect(toEscapedText(encoded(text, encoding), encoding)).toBe(text);
        }),
        { numRuns: 1000 },
      );
    });
  }
});
