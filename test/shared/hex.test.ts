import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { formatHex, hexDigitValue, parseHex } from '@shared/hex';

const bytes = (...values: number[]): Uint8Array => Uint8Array.from(values);

const parsed = (text: string): Uint8Array => {
  const result = parseHex(text);
  if (!result.ok) throw new Error(`expected ${JSON.stringify(text)} to parse: ${result.message}`);
  return result.bytes;
};

const HEX_DIGITS = '0123456789abcdefABCDEF';
const SEPARATORS = [' ', '\t', '\r', '\n', ',', ':', '-'] as const;

describe('hexDigitValue', () => {
  it('reads both cases and refuses everything else', () => {
    expect([...'09afAF'].map((c) => hexDigitValue(c.charCodeAt(0)))).toEqual([0, 9, 10, 15, 10, 15]);
    expect([...'gG/:@`x '].map((c) => hexDigitValue(c.charCodeAt(0)))).toEqual([-1, -1, -1, -1, -1, -1, -1, -1]);
    expect(hexDigitValue(Number.NaN)).toBe(-1);
  });
});

describe('parseHex', () => {
  it('reads digits in either case, with or without separators', () => {
    expect(parsed('DEADBEEF')).toEqual(bytes(0xde, 0xad, 0xbe, 0xef));
    expect(parsed('deadbeef')).toEqual(bytes(0xde, 0xad, 0xbe, 0xef));
    expect(parsed('DeAdBeEf')).toEqual(bytes(0xde, 0xad, 0xbe, 0xef));
    expect(parsed('de ad be ef')).toEqual(bytes(0xde, 0xad, 0xbe, 0xef));
  });

  it.each([
    ['space', '01 02'],
    ['tab', '01\t02'],
    ['CR', '01\r02'],
    ['LF', '01\n02'],
    ['CRLF', '01\r\n02'],
    ['comma', '01,02'],
    ['colon', '01:02'],
    ['dash', '01-02'],
    ['comma and space', '01, 02'],
    ['runs of separators', ' \t01 ,:- \r\n02\n'],
  ])('accepts %s between bytes', (_name, text) => {
    expect(parsed(text)).toEqual(bytes(1, 2));
  });

  it('accepts mixed separators in one input', () => {
    expect(parsed('01:02-03,04')).toEqual(bytes(1, 2, 3, 4));
  });

  it('accepts groups of several bytes between separators', () => {
    expect(parsed('0102 0304:05')).toEqual(bytes(1, 2, 3, 4, 5));
  });

  it.each([
    ['0x01 0x02', [1, 2]],
    ['0X01 0X02', [1, 2]],
    ['0x0102', [1, 2]],
    ['0x010x02', [1, 2]],
    ['0x01,0x02', [1, 2]],
    ['0xDEad', [0xde, 0xad]],
    ['01 0x02 03', [1, 2, 3]],
    ['0x00', [0]],
    ['00', [0]],
    ['0000', [0, 0]],
  ])('accepts 0x prefixes: %j', (text, expected) => {
    expect(parsed(text)).toEqual(Uint8Array.from(expected));
  });

  it('reads 0b as the byte 0x0b, not as a binary prefix', () => {
    expect(parsed('0b01')).toEqual(bytes(0x0b, 0x01));
  });

  it('gives zero bytes for empty, blank or separator-only input', () => {
    for (const text of ['', ' ', '\t\r\n', ' , : - ']) expect(parsed(text)).toEqual(bytes());
  });

  it('reports an unexpected character with its position', () => {
    expect(parseHex('dead g')).toMatchObject({
      ok: false,
      message: "Unexpected character 'g' at position 5: hex uses 0-9 and a-f",
      index: 5,
    });
  });

  it.each([
    ['0g', 1, "'g'"],
    ['zz', 0, "'z'"],
    ['01;02', 2, "';'"],
    ['01.02', 2, "'.'"],
    ['01_02', 2, "'_'"],
    ['01\u00a002', 2, 'U+00A0'],
    ['01\u000702', 2, 'U+0007'],
    ['01\u200b02', 2, 'U+200B'],
    ['01 é', 3, "'é'"],
    ['01 😀', 3, "'😀'"],
    ['01 \ud800', 3, 'U+D800'],
    ['10x1', 2, "'x'"],
    ['00x1', 2, "'x'"],
    ['x01', 0, "'x'"],
  ])('refuses %j at position %i', (text, index, shown) => {
    expect(parseHex(text)).toMatchObject({
      ok: false,
      message: `Unexpected character ${shown} at position ${index}: hex uses 0-9 and a-f`,
      index,
    });
  });

  it('reports an odd digit count with the position of its group', () => {
    expect(parseHex('123')).toMatchObject({
      ok: false,
      message: "Odd number of hex digits in '123' at position 0: each byte needs two digits",
      index: 0,
    });
    expect(parseHex('01, 123')).toMatchObject({ ok: false, index: 4 });
    expect(parseHex('01 02 3')).toMatchObject({ ok: false, index: 6 });
    expect(parseHex('0x123 45')).toMatchObject({
      ok: false,
      message: "Odd number of hex digits in '0x123' at position 0: each byte needs two digits",
      index: 0,
    });
    expect(parseHex('a')).toMatchObject({ ok: false, index: 0 });
  });

  it('shortens a long odd group in the message', () => {
    const result = parseHex(`${'ab'.repeat(20)}c`);
    expect(result).toMatchObject({
      ok: false,
      message: "Odd number of hex digits in 'abababababababa…' at position 0: each byte needs two digits",
      index: 0,
    });
  });

  it('reports a 0x with no digits after it', () => {
    expect(parseHex('0x')).toMatchObject({ ok: false, message: "Expected hex digits after '0x' at position 0", index: 0 });
    expect(parseHex('01 0X 02')).toMatchObject({ ok: false, message: "Expected hex digits after '0X' at position 3", index: 3 });
    expect(parseHex('010x')).toMatchObject({ ok: false, index: 2 });
    expect(parseHex('0x0x01')).toMatchObject({ ok: false, index: 0 });
  });

  it('reports the first problem when there are several', () => {
    expect(parseHex('123 g')).toMatchObject({ ok: false, index: 0 });
    expect(parseHex('12g 345')).toMatchObject({ ok: false, index: 2 });
  });

  it('never returns bytes with an error', () => {
    for (const text of ['0102 g', '0102 3', '0102 0x']) {
      const result = parseHex(text);
      expect(result.ok).toBe(false);
      expect(result).not.toHaveProperty('bytes');
    }
  });
});

describe('formatHex', () => {
  it('writes lowercase two-digit pairs', () => {
    expect(formatHex(bytes(0xde, 0xad, 0x0b, 0x00))).toBe('de ad 0b 00');
    expect(formatHex(bytes(1, 2), ':')).toBe('01:02');
    expect(formatHex(bytes(1, 2), '')).toBe('0102');
    expect(formatHex(bytes())).toBe('');
  });

  it('writes all 256 byte values, which parse back', () => {
    const all = Uint8Array.from({ length: 256 }, (_, n) => n);
    const text = formatHex(all);
    expect(text.split(' ')).toEqual(Array.from({ length: 256 }, (_, n) => n.toString(16).padStart(2, '0')));
    expect(parsed(text)).toEqual(all);
    expect(parsed(text.toUpperCase())).toEqual(all);
  });
});

describe('parseHex properties', () => {
  const anyBytes = fc.uint8Array({ maxLength: 64 });

  it('reads back what formatHex writes, with any separator', () => {
    fc.assert(
      fc.property(anyBytes, fc.constantFrom(' ', ':', ',', '-', '', '\n', '\t', ', ', '\r\n'), (b, separator) => {
        expect(parsed(formatHex(b, separator))).toEqual(b);
        expect(parsed(formatHex(b, separator).toUpperCase())).toEqual(b);
      }),
    );
  });

  it('reads back bytes written with 0x prefixes', () => {
    fc.assert(
      fc.property(anyBytes, fc.constantFrom(' ', ',', ', ', ':', ''), fc.constantFrom('0x', '0X'), (b, separator, prefix) => {
        const text = Array.from(b, (byte) => prefix + formatHex(Uint8Array.of(byte))).join(separator);
        expect(parsed(text)).toEqual(b);
      }),
    );
  });

  it('reads back bytes split into groups by random separators', () => {
    const groups = fc.array(
      fc.tuple(
        fc.uint8Array({ minLength: 1, maxLength: 8 }),
        fc.boolean(),
        fc.string({ unit: fc.constantFrom(...SEPARATORS), minLength: 1, maxLength: 3 }),
      ),
      { maxLength: 12 },
    );
    fc.assert(
      fc.property(groups, (parts) => {
        const text = parts.map(([group, prefixed, separator]) => (prefixed ? '0x' : '') + formatHex(group, '') + separator).join('');
        const expected = Uint8Array.from(parts.flatMap(([group]) => [...group]));
        expect(parsed(text)).toEqual(expected);
      }),
    );
  });

  const allowed = new Set([...HEX_DIGITS, ...SEPARATORS, 'x', 'X']);
  const badChar = fc.string({ minLength: 1, maxLength: 1, unit: 'binary' }).filter((c) => !allowed.has(c[0]!));

  it('reports a character inserted anywhere in valid hex at its position', () => {
    fc.assert(
      fc.property(anyBytes, fc.constantFrom(' ', ':', '', ', '), badChar, fc.nat(), (b, separator, bad, at) => {
        const valid = formatHex(b, separator);
        const index = at % (valid.length + 1);
        const result = parseHex(valid.slice(0, index) + bad + valid.slice(index));
        expect(result).toMatchObject({ ok: false, index });
        if (!result.ok) expect(result.message).toContain(`at position ${index}:`);
      }),
    );
  });

  it('reports an odd group at the position where the group starts', () => {
    const groups = fc.array(fc.uint8Array({ minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 8 });
    fc.assert(
      fc.property(
        groups,
        fc.nat(),
        fc.constantFrom(...HEX_DIGITS),
        fc.boolean(),
        fc.constantFrom(' ', ', ', ':', '\n'),
        (parts, pick, digit, prefixed, separator) => {
          const odd = pick % parts.length;
          const texts = parts.map((group, k) => (prefixed ? '0x' : '') + formatHex(group, '') + (k === odd ? digit : ''));
          const index = texts.slice(0, odd).reduce((sum, text) => sum + text.length + separator.length, 0);
          const result = parseHex(texts.join(separator));
          expect(result).toMatchObject({ ok: false, index });
          if (!result.ok) expect(result.message).toMatch(/^Odd number of hex digits in '.*' at position \d+: each byte needs two digits$/);
        },
      ),
    );
  });
});
