import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ByteWriter, decodeText, encodeText } from '@shared/text-encoding';

const encoded = (...args: Parameters<typeof encodeText>): Uint8Array => {
  const result = encodeText(...args);
  if (!result.ok) throw new Error(`expected to encode: ${result.message}`);
  return result.bytes;
};

const ALL_BYTES = Uint8Array.from({ length: 256 }, (_, n) => n);

describe('encodeText', () => {
  it('writes UTF-8', () => {
    expect(encoded('Aé中😀', 'utf-8')).toEqual(Uint8Array.of(0x41, 0xc3, 0xa9, 0xe4, 0xb8, 0xad, 0xf0, 0x9f, 0x98, 0x80));
    expect(encoded('', 'utf-8')).toEqual(new Uint8Array());
  });

  it('refuses half a surrogate pair in UTF-8 instead of sending U+FFFD', () => {
    expect(encodeText('ab\ud800c', 'utf-8')).toMatchObject({
      ok: false,
      message: 'Character U+D800 at position 2 is half of a surrogate pair and cannot be written in UTF-8; use \\xNN escapes for raw bytes',
      index: 2,
    });
    expect(encodeText('😀\udc00', 'utf-8')).toMatchObject({ ok: false, index: 2 });
    expect(encodeText('\ude00\ud83d', 'utf-8')).toMatchObject({ ok: false, index: 0 });
    expect(encodeText('x\ud83d', 'utf-8')).toMatchObject({ ok: false, index: 1 });
  });

  it('writes Latin-1 one byte a character', () => {
    expect(encoded('Aé\u00ff\u0000\u0080', 'latin1')).toEqual(Uint8Array.of(0x41, 0xe9, 0xff, 0x00, 0x80));
  });

  it('refuses a character beyond U+00FF in Latin-1, naming it and its position', () => {
    expect(encodeText('ab中', 'latin1')).toMatchObject({
      ok: false,
      message: "Character '中' at position 2 cannot be written in Latin-1; use UTF-8 or a \\xNN escape",
      index: 2,
    });
    expect(encodeText('a😀', 'latin1')).toMatchObject({ ok: false, index: 1, message: expect.stringContaining("'😀'") });
    expect(encodeText('a\u0100', 'latin1')).toMatchObject({ ok: false, index: 1 });
    expect(encodeText('a\u200b', 'latin1')).toMatchObject({ ok: false, message: expect.stringContaining('U+200B') });
  });

  it('writes UTF-16LE two bytes a code unit, lone surrogates included', () => {
    expect(encoded('A中😀', 'utf-16le')).toEqual(Uint8Array.of(0x41, 0x00, 0x2d, 0x4e, 0x3d, 0xd8, 0x00, 0xde));
    expect(encoded('\ud800', 'utf-16le')).toEqual(Uint8Array.of(0x00, 0xd8));
  });
});

describe('ByteWriter', () => {
  it('appends bytes and text in runs, growing past its first buffer', () => {
    const writer = new ByteWriter();
    writer.writeByte(0xff);
    expect(writer.writeText('é', 'utf-8')).toBeUndefined();
    expect(writer.writeText('é', 'latin1')).toBeUndefined();
    expect(writer.writeText('é', 'utf-16le')).toBeUndefined();
    expect(writer.toBytes()).toEqual(Uint8Array.of(0xff, 0xc3, 0xa9, 0xe9, 0xe9, 0x00));
    const long = 'x'.repeat(1000);
    for (let k = 0; k < 5; k++) writer.writeText(long, 'latin1');
    expect(writer.toBytes()).toHaveLength(6 + 5000);
  });

  it('writes nothing for text it cannot write, and reports positions from the offset', () => {
    const writer = new ByteWriter();
    writer.writeByte(1);
    expect(writer.writeText('ab中', 'latin1', 10)).toMatchObject({
      message: "Character '中' at position 12 cannot be written in Latin-1; use UTF-8 or a \\xNN escape",
      index: 12,
    });
    expect(writer.writeText('a\ud800', 'utf-8', 7)).toMatchObject({ index: 8 });
    expect(writer.toBytes()).toEqual(Uint8Array.of(1));
  });

  it('does not change bytes it has handed out', () => {
    const writer = new ByteWriter();
    writer.writeText('a'.repeat(256), 'latin1');
    const first = writer.toBytes();
    writer.writeByte(0x62);
    expect(first).toEqual(new Uint8Array(256).fill(0x61));
    expect(writer.toBytes()).toHaveLength(257);
  });
});

describe('decodeText', () => {
  it('maps Latin-1 byte n to character n for all 256 values, not windows-1252', () => {
    const text = decodeText(ALL_BYTES, 'latin1');
    expect(text).toHaveLength(256);
    for (let n = 0; n < 256; n++) expect(text.charCodeAt(n)).toBe(n);
    expect(decodeText(Uint8Array.of(0x80), 'latin1')).toBe('\u0080');
  });

  it('decodes large Latin-1 input', () => {
    const big = Uint8Array.from({ length: 100_000 }, (_, n) => n % 256);
    const text = decodeText(big, 'latin1');
    expect(text).toHaveLength(big.length);
    expect(text.charCodeAt(99_999)).toBe(99_999 % 256);
  });

  it('replaces malformed UTF-8 rather than failing', () => {
    expect(decodeText(Uint8Array.of(0x41, 0xff, 0x42), 'utf-8')).toBe('A\ufffdB');
    expect(decodeText(Uint8Array.of(0xe4, 0xb8), 'utf-8')).toBe('\ufffd');
  });

  it('keeps a leading byte order mark', () => {
    expect(decodeText(Uint8Array.of(0xef, 0xbb, 0xbf, 0x41), 'utf-8')).toBe('\ufeffA');
    expect(decodeText(Uint8Array.of(0xff, 0xfe, 0x41, 0x00), 'utf-16le')).toBe('\ufeffA');
  });

  it('decodes UTF-16LE, replacing an odd trailing byte', () => {
    expect(decodeText(Uint8Array.of(0x41, 0x00, 0x3d, 0xd8, 0x00, 0xde), 'utf-16le')).toBe('A😀');
    expect(decodeText(Uint8Array.of(0x41, 0x00, 0x42), 'utf-16le')).toBe('A\ufffd');
  });
});

describe('text encoding properties', () => {
  const wellFormed = fc.string({ unit: 'binary', maxLength: 60 });
  const latin1Text = fc.string({ unit: fc.integer({ min: 0, max: 0xff }).map((n) => String.fromCharCode(n)), maxLength: 60 });
  const anyUnits = fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((n) => String.fromCharCode(n)), maxLength: 60 });

  it('agrees with Node for UTF-8, Latin-1 and UTF-16LE', () => {
    fc.assert(
      fc.property(wellFormed, latin1Text, anyUnits, (text, latin1, units) => {
        expect(encoded(text, 'utf-8')).toEqual(new Uint8Array(Buffer.from(text, 'utf8')));
        expect(encoded(latin1, 'latin1')).toEqual(new Uint8Array(Buffer.from(latin1, 'latin1')));
        expect(encoded(units, 'utf-16le')).toEqual(new Uint8Array(Buffer.from(units, 'utf16le')));
      }),
    );
  });

  it('decodes what it encodes', () => {
    fc.assert(
      fc.property(wellFormed, latin1Text, (text, latin1) => {
        expect(decodeText(encoded(text, 'utf-8'), 'utf-8')).toBe(text);
        expect(decodeText(encoded(text, 'utf-16le'), 'utf-16le')).toBe(text);
        expect(decodeText(encoded(latin1, 'latin1'), 'latin1')).toBe(latin1);
      }),
    );
  });

  it('decodes any bytes as Node does', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 60 }), (b) => {
        expect(decodeText(b, 'latin1')).toBe(Buffer.from(b).toString('latin1'));
        expect(decodeText(b, 'utf-8')).toBe(new TextDecoder('utf-8', { ignoreBOM: true }).decode(b));
      }),
    );
  });

  it('reports the first character Latin-1 lacks at its position', () => {
    fc.assert(
      fc.property(latin1Text, fc.integer({ min: 0x100, max: 0x10ffff }), latin1Text, (before, codePoint, after) => {
        const text = before + String.fromCodePoint(codePoint) + after;
        expect(encodeText(text, 'latin1')).toMatchObject({ ok: false, index: before.length });
      }),
    );
  });

  it('round-trips all 256 byte values through Latin-1', () => {
    expect(encoded(decodeText(ALL_BYTES, 'latin1'), 'latin1')).toEqual(ALL_BYTES);
  });
});
