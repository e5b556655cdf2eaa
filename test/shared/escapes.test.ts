import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { scanEscapes } from '@shared/escapes';
import { parseEscapes, type Segment } from '../support/collect';

const segmentsOf = (text: string): Segment[] => {
  const result = parseEscapes(text);
  if (!result.ok) throw new Error(`expected ${JSON.stringify(text)} to parse: ${result.message}`);
  return result.segments;
};

const ADVICE = 'use \\r \\n \\t \\0 \\\\ \\xNN or \\uNNNN';

describe('parseEscapes', () => {
  it('passes text without escapes through as one segment', () => {
    expect(segmentsOf('hello, world')).toEqual([{ text: 'hello, world' }]);
    expect(segmentsOf('')).toEqual([]);
  });

  it.each([
    ['\\r', '\r'],
    ['\\n', '\n'],
    ['\\t', '\t'],
    ['\\0', '\0'],
    ['\\\\', '\\'],
    ['\\u0041', 'A'],
    ['\\u4e2d', '中'],
    ['\\u4E2D', '中'],
    ['\\u00e9', 'é'],
    ['\\u0000', '\0'],
    ['\\uD83D\\uDE00', '😀'],
    ['\\ud83d\\ude00', '😀'],
    ['\\u{41}', 'A'],
    ['\\u{1F600}', '😀'],
    ['\\u{10FFFF}', '\u{10ffff}'],
    ['\\u{000041}', 'A'],
  ])('reads %s as a character', (text, expected) => {
    expect(segmentsOf(text)).toEqual([{ text: expected }]);
  });

  it('reads \\xNN as a raw byte, not a character', () => {
    expect(segmentsOf('\\x41')).toEqual([{ bytes: Uint8Array.of(0x41) }]);
    expect(segmentsOf('\\xff')).toEqual([{ bytes: Uint8Array.of(0xff) }]);
    expect(segmentsOf('\\xFF')).toEqual([{ bytes: Uint8Array.of(0xff) }]);
    expect(segmentsOf('\\x00')).toEqual([{ bytes: Uint8Array.of(0) }]);
  });

  it('merges adjacent text, and adjacent bytes, into one segment each', () => {
    expect(segmentsOf('a\\r\\nb\\u0043')).toEqual([{ text: 'a\r\nbC' }]);
    expect(segmentsOf('\\x01\\x02\\xff')).toEqual([{ bytes: Uint8Array.of(1, 2, 0xff) }]);
    expect(segmentsOf('GET\\x00\\x01 /\\r\\n\\xde\\xad')).toEqual([
      { text: 'GET' },
      { bytes: Uint8Array.of(0, 1) },
      { text: ' /\r\n' },
      { bytes: Uint8Array.of(0xde, 0xad) },
    ]);
  });

  it('takes only the digits an escape needs, leaving the rest as text', () => {
    expect(segmentsOf('\\x414')).toEqual([{ bytes: Uint8Array.of(0x41) }, { text: '4' }]);
    expect(segmentsOf('\\u00411')).toEqual([{ text: 'A1' }]);
    expect(segmentsOf('\\01')).toEqual([{ text: '\x001' }]);
    expect(segmentsOf('\\\\x41')).toEqual([{ text: '\\x41' }]);
  });

  it('reports an unknown escape with its position', () => {
    expect(parseEscapes('abc\\q')).toMatchObject({ ok: false, message: `Invalid escape \\q at position 3: ${ADVICE}`, index: 3 });
    expect(parseEscapes('\\a')).toMatchObject({ ok: false, index: 0, message: expect.stringContaining('\\a at') });
    expect(parseEscapes('\\1')).toMatchObject({ ok: false, index: 0 });
    expect(parseEscapes('\\N')).toMatchObject({ ok: false, index: 0 });
    expect(parseEscapes('ab\\😀')).toMatchObject({ ok: false, index: 2, message: expect.stringContaining('\\😀 at') });
  });

  it.each([
    ['\\x4', '\\x4', 0],
    ['ab\\x4g', '\\x4g', 2],
    ['\\xZZ', '\\xZZ', 0],
    ['\\x', '\\x', 0],
    ['\\x 41', '\\x 4', 0],
    ['\\u12', '\\u12', 0],
    ['a\\u12zz', '\\u12zz', 1],
    ['\\u', '\\u', 0],
    ['\\uGGGG', '\\uGGGG', 0],
  ])('reports a malformed escape: %j', (text, shown, index) => {
    expect(parseEscapes(text)).toMatchObject({ ok: false, message: `Invalid escape ${shown} at position ${index}: ${ADVICE}`, index });
  });

  it('reports a lone backslash at the end', () => {
    expect(parseEscapes('abc\\')).toMatchObject({
      ok: false,
      message: 'Invalid escape \\ at position 3: the text ends in a lone backslash; write \\\\ for a backslash itself',
      index: 3,
    });
  });

  it('reports a lone high surrogate', () => {
    expect(parseEscapes('ab\\uD800')).toMatchObject({
      ok: false,
      message: 'Lone surrogate \\uD800 at position 2: follow it with a \\uDC00–\\uDFFF escape',
      index: 2,
    });
    expect(parseEscapes('\\uD800x')).toMatchObject({ ok: false, index: 0 });
    expect(parseEscapes('\\uD800\\u0041')).toMatchObject({ ok: false, index: 0 });
    expect(parseEscapes('\\uD800\\uD800\\uDC00')).toMatchObject({ ok: false, index: 0 });
    expect(parseEscapes('\\uD800\\uDC0')).toMatchObject({ ok: false, index: 0 });
    expect(parseEscapes('\\uD800\\u{DC00}')).toMatchObject({ ok: false, index: 0 });
  });

  it('reports a lone low surrogate', () => {
    expect(parseEscapes('a\\uDC00')).toMatchObject({
      ok: false,
      message: 'Lone surrogate \\uDC00 at position 1: it must follow a \\uD800–\\uDBFF escape',
      index: 1,
    });
    expect(parseEscapes('\\uDE00\\uD83D')).toMatchObject({ ok: false, index: 0 });
  });

  it.each([
    ['\\u{}', '\\u{}'],
    ['\\u{110000}', '\\u{110000}'],
    ['\\u{1234567}', '\\u{123456'],
    ['\\u{12', '\\u{12'],
    ['\\u{zz}', '\\u{zz}'],
    ['\\u{ 41}', '\\u{ 41}'],
  ])('reports a malformed braced escape: %j', (text, shown) => {
    expect(parseEscapes(text)).toMatchObject({
      ok: false,
      message: `Invalid escape ${shown} at position 0: write \\u{N} with 1 to 6 hex digits, at most 10FFFF`,
      index: 0,
    });
  });

  it('refuses a surrogate in a braced escape', () => {
    expect(parseEscapes('x\\u{D800}')).toMatchObject({
      ok: false,
      message: 'Invalid escape \\u{D800} at position 1: surrogates are halves of a character; write the whole code point',
      index: 1,
    });
  });

  it('reports the first problem when there are several', () => {
    expect(parseEscapes('\\q \\x')).toMatchObject({ ok: false, index: 0 });
    expect(parseEscapes('ok \\n \\x4 \\q')).toMatchObject({ ok: false, index: 6 });
  });
});

describe('scanEscapes', () => {
  it('hands typed runs and escapes to the sink with their positions', () => {
    const calls: string[] = [];
    const problem = scanEscapes('ab\\n\\x01c\\uD83D\\uDE00\\u{41}', {
      text(text, at) {
        calls.push(`text ${JSON.stringify(text)} @${at}`);
        return undefined;
      },
      byte(value) {
        calls.push(`byte ${value}`);
      },
    });
    expect(problem).toBeUndefined();
    expect(calls).toEqual(['text "ab" @0', 'text "\\n" @2', 'byte 1', 'text "c" @8', 'text "😀" @9', 'text "A" @21']);
  });

  it('stops at the first problem the sink returns', () => {
    const seen: string[] = [];
    const problem = scanEscapes('a\\nb\\q', {
      text(text, at) {
        seen.push(text);
        return text === '\n'
          ? { message: 'no newlines', phrase: { key: 'verbatim', params: { text: 'no newlines' } }, index: at }
          : undefined;
      },
      byte() {},
    });
    expect(problem).toMatchObject({ message: 'no newlines', index: 1 });
    expect(seen).toEqual(['a', '\n']);
  });
});

describe('escape properties', () => {
  const noBackslash = fc.string({ unit: 'binary', maxLength: 30 }).map((text) => text.replaceAll('\\', '/'));
  const byteRun = fc.uint8Array({ minLength: 1, maxLength: 4 });
  const pieces = fc.array(
    fc.oneof(
      noBackslash.map((text) => ({ text })),
      byteRun.map((bytes) => ({ bytes })),
    ),
    { maxLength: 10 },
  );

  const escape = (piece: Segment): string =>
    'text' in piece ? piece.text : Array.from(piece.bytes, (b) => `\\x${b.toString(16).padStart(2, '0')}`).join('');

  const merge = (parts: Segment[]): Segment[] => {
    const merged: Segment[] = [];
    for (const part of parts) {
      const last = merged.at(-1);
      if ('text' in part && part.text === '') continue;
      if (last && 'text' in last && 'text' in part) merged[merged.length - 1] = { text: last.text + part.text };
      else if (last && 'bytes' in last && 'bytes' in part)
        merged[merged.length - 1] = { bytes: Uint8Array.from([...last.bytes, ...part.bytes]) };
      else merged.push(part);
    }
    return merged;
  };

  it('reads back text and bytes written as escapes, merged', () => {
    fc.assert(
      fc.property(pieces, (parts) => {
        expect(segmentsOf(parts.map(escape).join(''))).toEqual(merge(parts));
      }),
    );
  });

  it('reads a \\uNNNN escape as that character, for every non-surrogate code unit', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 0xffff }).filter((unit) => unit < 0xd800 || unit > 0xdfff),
        (unit) => {
          expect(segmentsOf(`\\u${unit.toString(16).padStart(4, '0')}`)).toEqual([{ text: String.fromCharCode(unit) }]);
        },
      ),
    );
  });

  it('reads every byte value as \\xNN', () => {
    for (let byte = 0; byte < 256; byte++) {
      expect(segmentsOf(`\\x${byte.toString(16).padStart(2, '0')}`)).toEqual([{ bytes: Uint8Array.of(byte) }]);
    }
  });

  const badLetter = fc.string({ minLength: 1, maxLength: 1, unit: 'binary' }).filter((c) => !'rnt0\\xu'.includes(c));

  it('reports an invalid escape inserted anywhere at its position', () => {
    fc.assert(
      fc.property(noBackslash, badLetter, fc.nat(), (text, letter, at) => {
        const index = at % (text.length + 1);
        const result = parseEscapes(`${text.slice(0, index)}\\${letter}${text.slice(index)}`);
        expect(result).toMatchObject({ ok: false, index });
        if (!result.ok) expect(result.message).toContain(`at position ${index}:`);
      }),
    );
  });

  it('reports a \\x without two hex digits, inserted anywhere, at its position', () => {
    // Each ends in a non-hex character, so what follows in the text cannot complete it.
    const broken = fc.constantFrom('\\xz', '\\x4z', '\\xg', '\\x 4', '\\xé', '\\x4\u00a0');
    fc.assert(
      fc.property(noBackslash, broken, fc.nat(), (text, escape, at) => {
        const index = at % (text.length + 1);
        const result = parseEscapes(text.slice(0, index) + escape + text.slice(index));
        expect(result).toMatchObject({ ok: false, index, message: expect.stringMatching(/^Invalid escape \\x/) });
      }),
    );
  });
});
