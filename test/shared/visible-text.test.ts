import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { TEXT_ENCODINGS, type TextEncodingName } from '@shared/contract';
import { encodePayload } from '@shared/payload';
import { describeCharAt, isVisibleCodePoint, toEscapedText } from '@shared/visible-text';
import { parseEscapes } from '../support/collect';

const b = (...values: number[]): Uint8Array => Uint8Array.from(values);
const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

/** Bytes back from the escaped text, as a user sending it would get them. */
const resent = (text: string, encoding: TextEncodingName): Uint8Array => {
  const result = encodePayload({ format: 'text', value: text, encoding, escapes: true, lineEnding: 'none' });
  if (!result.ok) throw new Error(`expected ${JSON.stringify(text)} to encode: ${result.error.message}`);
  return result.value;
};

describe('isVisibleCodePoint and describeCharAt', () => {
  it('sees letters, symbols and marks, not controls, format characters or odd spaces', () => {
    for (const visible of [0x20, 0x41, 0x7e, 0xe9, 0x4e2d, 0x1f600, 0x301]) expect(isVisibleCodePoint(visible)).toBe(true);
    for (const invisible of [0x00, 0x1f, 0x7f, 0x85, 0xa0, 0xad, 0x200b, 0x2028, 0x2029, 0xfeff, 0xd800, 0x3000, 0xe0001]) {
      expect(isVisibleCodePoint(invisible)).toBe(false);
    }
  });

  it('quotes a visible character and names an invisible one', () => {
    expect(describeCharAt('ab', 1)).toBe("'b'");
    expect(describeCharAt('a😀', 1)).toBe("'😀'");
    expect(describeCharAt('a\u0007', 1)).toBe('U+0007');
    expect(describeCharAt('\ud800', 0)).toBe('U+D800');
    expect(describeCharAt('\u{e0001}', 0)).toBe('U+E0001');
  });
});

describe('toEscapedText, UTF-8', () => {
  it.each([
    ['printable text', utf8('héllo 中 😀'), 'héllo 中 😀'],
    ['the short escapes', b(0x0d, 0x0a, 0x09, 0x00, 0x5c), '\\r\\n\\t\\0\\\\'],
    ['other C0 controls and DEL', b(0x01, 0x1b, 0x1f, 0x7f), '\\x01\\x1b\\x1f\\x7f'],
    ['C1 controls as their bytes', b(0xc2, 0x80, 0xc2, 0x9f), '\\xc2\\x80\\xc2\\x9f'],
    ['a byte that never starts UTF-8', b(0xff, 0x41), '\\xffA'],
    ['a stray continuation byte', b(0x80), '\\x80'],
    ['an overlong 2-byte form', b(0xc0, 0x80), '\\xc0\\x80'],
    ['an overlong 2-byte form with C1 lead', b(0xc1, 0xbf), '\\xc1\\xbf'],
    ['an overlong 3-byte form', b(0xe0, 0x80, 0x80), '\\xe0\\x80\\x80'],
    ['an overlong 4-byte form', b(0xf0, 0x8f, 0xbf, 0xbf), '\\xf0\\x8f\\xbf\\xbf'],
    ['an encoded surrogate', b(0xed, 0xa0, 0x80), '\\xed\\xa0\\x80'],
    ['a code point above U+10FFFF', b(0xf4, 0x90, 0x80, 0x80), '\\xf4\\x90\\x80\\x80'],
    ['a 5-byte lead', b(0xf8, 0x88, 0x80, 0x80, 0x80), '\\xf8\\x88\\x80\\x80\\x80'],
    ['a truncated sequence at the end', b(0x41, 0xe4, 0xb8), 'A\\xe4\\xb8'],
    ['a truncated sequence before ASCII', b(0xe4, 0x41), '\\xe4A'],
    ['a truncated sequence before a valid one', b(0xe4, 0xe4, 0xb8, 0xad), '\\xe4中'],
    ['the largest code point', b(0xf4, 0x8f, 0xbf, 0xbf), '\u{10ffff}'],
    ['U+D7FF and U+E000 around the surrogates', b(0xed, 0x9f, 0xbf, 0xee, 0x80, 0x80), '\ud7ff\ue000'],
    ['invisible characters as \\u', utf8('\u200b\u2028\ufeff\u00a0\u00ad'), '\\u200b\\u2028\\ufeff\\u00a0\\u00ad'],
    ['an invisible astral character as a surrogate pair', utf8('\u{e0001}'), '\\udb40\\udc01'],
    ['U+FFFD itself, which is not an error here', b(0xef, 0xbf, 0xbd), '\ufffd'],
  ])('shows %s', (_name, bytes, expected) => {
    expect(toEscapedText(bytes, 'utf-8')).toBe(expected);
    expect(resent(expected, 'utf-8')).toEqual(bytes);
  });
});

describe('toEscapedText, Latin-1', () => {
  it.each([
    ['ASCII and accented letters', b(0x41, 0xe9, 0xff, 0xa9), 'Aéÿ©'],
    ['the short escapes', b(0x0d, 0x0a, 0x09, 0x00, 0x5c), '\\r\\n\\t\\0\\\\'],
    ['C0, DEL and 0x80–0x9f as bytes', b(0x01, 0x7f, 0x80, 0x85, 0x9f), '\\x01\\x7f\\x80\\x85\\x9f'],
    ['no-break space and soft hyphen as bytes', b(0xa0, 0xad), '\\xa0\\xad'],
  ])('shows %s', (_name, bytes, expected) => {
    expect(toEscapedText(bytes, 'latin1')).toBe(expected);
    expect(resent(expected, 'latin1')).toEqual(bytes);
  });
});

describe('toEscapedText, UTF-16LE', () => {
  it.each([
    ['printable text', b(0x41, 0x00, 0x2d, 0x4e, 0x3d, 0xd8, 0x00, 0xde), 'A中😀'],
    ['the short escapes', b(0x0d, 0, 0x0a, 0, 0x09, 0, 0x00, 0, 0x5c, 0), '\\r\\n\\t\\0\\\\'],
    ['other controls as \\u', b(0x01, 0, 0x7f, 0, 0x85, 0, 0x0b, 0x20), '\\u0001\\u007f\\u0085\\u200b'],
    ['a lone high surrogate as its bytes', b(0x00, 0xd8, 0x41, 0x00), '\\x00\\xd8A'],
    ['a lone high surrogate at the end', b(0x3d, 0xd8), '\\x3d\\xd8'],
    ['a lone low surrogate as its bytes', b(0x00, 0xdc), '\\x00\\xdc'],
    ['a pair in the wrong order', b(0x00, 0xde, 0x3d, 0xd8), '\\x00\\xde\\x3d\\xd8'],
    ['an odd trailing byte', b(0x41, 0x00, 0x42), 'A\\x42'],
    ['a single byte', b(0xff), '\\xff'],
    ['an invisible astral character', b(0x40, 0xdb, 0x01, 0xdc), '\\udb40\\udc01'],
  ])('shows %s', (_name, bytes, expected) => {
    expect(toEscapedText(bytes, 'utf-16le')).toBe(expected);
    expect(resent(expected, 'utf-16le')).toEqual(bytes);
  });
});

describe('toEscapedText invariant: sending the escaped text gives back the bytes', () => {
  const RUNS = 2000;

  // Random bytes rarely form multi-byte UTF-8; mixing in real characters covers the valid paths.
  const utf8ish = fc
    .array(fc.oneof(fc.uint8Array({ maxLength: 4 }), fc.string({ unit: 'binary', maxLength: 4 }).map(utf8)), { maxLength: 16 })
    .map((parts) => Uint8Array.from(parts.flatMap((part) => [...part])));
  const utf16ish = fc
    .array(fc.oneof(fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 0xd800, max: 0xdfff }), fc.integer({ min: 0, max: 0x7f })), {
      maxLength: 24,
    })
    .chain((units) =>
      fc.boolean().map((odd) => {
        const bytes = units.flatMap((unit) => [unit & 0xff, unit >> 8]);
        return Uint8Array.from(odd ? [...bytes, 0x41] : bytes);
      }),
    );

  for (const encoding of TEXT_ENCODINGS) {
    it(`holds for any bytes in ${encoding}`, () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
          expect(resent(toEscapedText(bytes, encoding), encoding)).toEqual(bytes);
        }),
        { numRuns: RUNS },
      );
    });

    it(`holds for all 256 single bytes and all byte pairs in ${encoding}`, () => {
      for (let first = 0; first < 256; first++) {
        expect(resent(toEscapedText(b(first), encoding), encoding)).toEqual(b(first));
        for (let second = 0; second < 256; second++) {
          const pair = b(first, second);
          expect(resent(toEscapedText(pair, encoding), encoding)).toEqual(pair);
        }
      }
    });
  }

  it('holds for text-like UTF-8', () => {
    fc.assert(
      fc.property(utf8ish, (bytes) => {
        expect(resent(toEscapedText(bytes, 'utf-8'), 'utf-8')).toEqual(bytes);
      }),
      { numRuns: RUNS },
    );
  });

  it('holds for text-like UTF-16LE with stray surrogates', () => {
    fc.assert(
      fc.property(utf16ish, (bytes) => {
        expect(resent(toEscapedText(bytes, 'utf-16le'), 'utf-16le')).toEqual(bytes);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('toEscapedText properties', () => {
  const INVISIBLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]|(?! )\p{Zs}/u;

  it('never shows an invisible character as itself', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.constantFrom(...TEXT_ENCODINGS), (bytes, encoding) => {
        expect(toEscapedText(bytes, encoding)).not.toMatch(INVISIBLE);
      }),
      { numRuns: 1000 },
    );
  });

  it('shows valid UTF-8 without C0 or C1 controls as characters, not bytes', () => {
    const text = fc.string({
      unit: fc
        .integer({ min: 0xa0, max: 0x10ffff })
        .filter((cp) => cp < 0xd800 || cp > 0xdfff)
        .map((cp) => String.fromCodePoint(cp)),
    });
    fc.assert(
      fc.property(text, (s) => {
        const parsed = parseEscapes(toEscapedText(utf8(s), 'utf-8'));
        expect(parsed.ok && parsed.segments.every((segment) => 'text' in segment)).toBe(true);
      }),
    );
  });

  it('shows text of visible characters unchanged, with backslashes doubled', () => {
    const visible = fc.string({
      unit: fc
        .integer({ min: 0x20, max: 0x10ffff })
        .filter(isVisibleCodePoint)
        .map((cp) => String.fromCodePoint(cp)),
    });
    fc.assert(
      fc.property(visible, (s) => {
        const expected = s.replaceAll('\\', '\\\\');
        const utf16 = new Uint8Array(Buffer.from(s, 'utf16le'));
        expect(toEscapedText(utf8(s), 'utf-8')).toBe(expected);
        expect(toEscapedText(utf16, 'utf-16le')).toBe(expected);
      }),
    );
  });
});
