import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { compileByteQuery, containsBytes, countMatches, indexOfBytes, matchRanges, type ByteQuery } from '@shared/byte-search';
import { findAllBytes } from '../support/collect';

const ascii = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0));

function compiled(result: ReturnType<typeof compileByteQuery>): ByteQuery {
  if (!result.ok || !result.query) throw new Error('expected a query');
  return result.query;
}

describe('compileByteQuery', () => {
  it('turns text into bytes in the chosen encoding', () => {
    expect([...compiled(compileByteQuery({ kind: 'text', value: 'é', encoding: 'utf-8', ignoreCase: false })).needle]).toEqual([
      0xc3, 0xa9,
    ]);
    expect([...compiled(compileByteQuery({ kind: 'text', value: 'é', encoding: 'latin1', ignoreCase: false })).needle]).toEqual([0xe9]);
    expect([...compiled(compileByteQuery({ kind: 'text', value: 'A', encoding: 'utf-16le', ignoreCase: false })).needle]).toEqual([
      0x41, 0x00,
    ]);
  });

  it('reads hex written any common way', () => {
    expect([...compiled(compileByteQuery({ kind: 'hex', value: '0xDE,0xAD' })).needle]).toEqual([0xde, 0xad]);
  });

  it('says what is wrong with a query and where', () => {
    const hex = compileByteQuery({ kind: 'hex', value: 'de zz' });
    expect(hex.ok).toBe(false);
    expect(!hex.ok && hex.index).toBe(3);
    // The same phrase the composer shows for the same mistake, so the page can say it in Chinese too.
    expect(!hex.ok && hex.phrase?.key).toBe('hex.unexpected');
    expect(compileByteQuery({ kind: 'text', value: '中', encoding: 'latin1', ignoreCase: false }).ok).toBe(false);
  });

  it('answers no query for an empty one, which matches everything', () => {
    expect(compileByteQuery({ kind: 'text', value: '', encoding: 'utf-8', ignoreCase: true })).toEqual({ ok: true, query: undefined });
    expect(compileByteQuery({ kind: 'hex', value: ' ' })).toEqual({ ok: true, query: undefined });
  });
});

describe('searching bytes', () => {
  it('finds text case-sensitively or ignoring ASCII case', () => {
    const exact = compiled(compileByteQuery({ kind: 'text', value: 'OK', encoding: 'utf-8', ignoreCase: false }));
    const loose = compiled(compileByteQuery({ kind: 'text', value: 'OK', encoding: 'utf-8', ignoreCase: true }));
    expect(containsBytes(ascii('AT\r\nok\r\n'), exact)).toBe(false);
    expect(indexOfBytes(ascii('AT\r\nok\r\n'), loose)).toBe(4);
    expect(findAllBytes(ascii('ok Ok oK'), loose)).toEqual([
      [0, 2],
      [3, 5],
      [6, 8],
    ]);
  });

  it('finds binary sequences, not overlapping, from a given offset', () => {
    const query = compiled(compileByteQuery({ kind: 'hex', value: 'aa aa' }));
    const bytes = Uint8Array.from([0xaa, 0xaa, 0xaa, 0x00, 0xaa, 0xaa]);
    expect(findAllBytes(bytes, query)).toEqual([
      [0, 2],
      [4, 6],
    ]);
    expect(indexOfBytes(bytes, query, 1)).toBe(1);
    expect(indexOfBytes(bytes, query, 5)).toBe(-1);
  });

  it('agrees with a naive search on any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 60 }), fc.uint8Array({ minLength: 1, maxLength: 3 }), (hay, needle) => {
        const naive = hay.findIndex((_, i) => i + needle.length <= hay.length && needle.every((b, j) => hay[i + j] === b));
        expect(indexOfBytes(hay, { needle, ignoreCase: false })).toBe(naive);
      }),
    );
  });
});

describe('matchRanges and countMatches', () => {
  it('finds every match, none overlapping, in order', () => {
    const query = compiled(compileByteQuery({ kind: 'text', value: 'aa', encoding: 'utf-8', ignoreCase: false }));
    const bytes = new TextEncoder().encode('aaa-aa-a');
    expect(matchRanges(bytes, query)).toEqual([
      [0, 2],
      [4, 6],
    ]);
    expect(countMatches(bytes, query)).toBe(2);
    expect(matchRanges(bytes, query, 1)).toEqual([[0, 2]]);
  });

  it('matches letters in either case when asked', () => {
    const query = compiled(compileByteQuery({ kind: 'text', value: 'ok', encoding: 'utf-8', ignoreCase: true }));
    expect(countMatches(new TextEncoder().encode('OK ok Ok'), query)).toBe(3);
  });
});
