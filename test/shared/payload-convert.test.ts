import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { LINE_ENDINGS, TEXT_ENCODINGS } from '@shared/contract';
import { formatHex } from '@shared/hex';
import { english } from '@shared/phrase';
import { encodePayload } from '@shared/payload';
import { convertPayload, type TypedPayload } from '@shared/payload-convert';

const typed = (fields: Partial<TypedPayload> & Pick<TypedPayload, 'value'>): TypedPayload => ({
  format: 'text',
  encoding: 'utf-8',
  escapes: true,
  lineEnding: 'none',
  ...fields,
});

function converted(from: TypedPayload, to: TypedPayload['format']) {
  const result = convertPayload(from, to);
  if (!result.ok) throw new Error(`expected to convert: ${result.problem.message}`);
  return result;
}

function wire(payload: TypedPayload): Uint8Array {
  const result = encodePayload(payload);
  if (!result.ok) throw new Error(`expected to encode: ${result.error.message}`);
  return result.value;
}

describe('text to hex', () => {
  it('shows the bytes escapes stand for', () => {
    expect(converted(typed({ value: 'AB\\r\\n' }), 'hex')).toEqual({
      ok: true,
      payload: typed({ format: 'hex', value: '41 42 0d 0a' }),
      notes: [],
    });
  });

  it('writes the text in the chosen encoding', () => {
    expect(converted(typed({ value: '你好', encoding: 'gbk' }), 'hex').payload.value).toBe('c4 e3 ba c3');
    expect(converted(typed({ value: '你好', encoding: 'utf-16le' }), 'hex').payload.value).toBe('60 4f 7d 59');
  });

  it('takes a backslash as itself with escapes off', () => {
    const hex = converted(typed({ value: 'C:\\temp', escapes: false }), 'hex').payload;
    expect(hex).toEqual(typed({ format: 'hex', value: '43 3a 5c 74 65 6d 70', escapes: false }));
    expect(converted(hex, 'text').payload).toEqual(typed({ value: 'C:\\temp', escapes: false }));
  });

  it('names the escape that keeps the text from becoming bytes, and where it is', () => {
    const result = convertPayload(typed({ value: 'ok \\q' }), 'hex');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problem.index).toBe(3);
    expect(result.problem.phrase && english(result.problem.phrase)).toMatch(/^Invalid escape \\q at position 3/);
  });

  it('names a character the encoding cannot write', () => {
    const result = convertPayload(typed({ value: 'café 中', encoding: 'latin1' }), 'hex');
    expect(result.ok ? undefined : result.problem.message).toBe(
      "Character '中' at position 5 cannot be written in Latin-1; use UTF-8 or a \\xNN escape",
    );
  });

  it('moves a UTF-16LE line ending into the bytes, since hex sends it as one byte', () => {
    const from = typed({ value: 'A', encoding: 'utf-16le', lineEnding: 'crlf' });
    const result = converted(from, 'hex');
    expect(result.payload).toEqual({ ...from, format: 'hex', value: '41 00 0d 00 0a 00', lineEnding: 'none' });
    expect(result.notes).toEqual(['lineEndingFolded']);
    expect(wire(result.payload)).toEqual(wire(from));
  });
});

describe('hex to text', () => {
  it('shows printable bytes as themselves and the rest as escapes', () => {
    expect(converted(typed({ format: 'hex', value: '41 42 0d 0a 00 ff' }), 'text')).toEqual({
      ok: true,
      payload: typed({ value: 'AB\\r\\n\\0\\xff' }),
      notes: [],
    });
  });

  it('keeps escapes off when the bytes read back as typed text, and turns them on when not', () => {
    expect(converted(typed({ format: 'hex', value: '68 69 0a 09 5c', escapes: false }), 'text')).toEqual({
      ok: true,
      payload: typed({ value: 'hi\n\t\\', escapes: false }),
      notes: [],
    });
    // A CR would turn into a line break in the field, a NUL would not show at all.
    expect(converted(typed({ format: 'hex', value: '68 0d 0a', escapes: false }), 'text')).toEqual({
      ok: true,
      payload: typed({ value: 'h\\r\\n' }),
      notes: ['escapesTurnedOn'],
    });
    expect(converted(typed({ format: 'hex', value: 'c3', escapes: false }), 'text').payload.value).toBe('\\xc3');
  });

  it('names the odd hex group and its position', () => {
    const result = convertPayload(typed({ format: 'hex', value: 'de ad b' }), 'text');
    expect(result.ok ? undefined : result.problem).toMatchObject({
      index: 6,
      message: "Odd number of hex digits in 'b' at position 6: each byte needs two digits",
    });
  });

  it('reads GBK bytes back as the characters', () => {
    expect(converted(typed({ format: 'hex', value: 'c4e3bac3', encoding: 'gbk' }), 'text').payload.value).toBe('你好');
  });
});

describe('macros', () => {
  it('keeps a macro as it is and converts the bytes around it', () => {
    const hex = converted(typed({ value: 'A{{counter}}\\r\\n' }), 'hex').payload;
    expect(hex.value).toBe('41 {{counter}} 0d 0a');
    expect(converted(hex, 'text').payload.value).toBe('A{{counter}}\\r\\n');
  });

  it('keeps literal braces literal both ways', () => {
    const hex = converted(typed({ value: '\\{{x' }), 'hex').payload;
    expect(hex.value).toBe('7b 7b 78');
    expect(converted(hex, 'text').payload.value).toBe('\\{{x');
    expect(wire(converted(hex, 'text').payload)).toEqual(Uint8Array.of(0x7b, 0x7b, 0x78));
  });

  it('names a time written as text, which hex cannot hold, where it is', () => {
    const result = convertPayload(typed({ value: 'at {{ timestamp }}' }), 'hex');
    expect(result.ok ? undefined : result.problem).toMatchObject({ index: 3 });
    expect(result.ok ? '' : result.problem.message).toMatch(/^\{\{timestamp\}\} at position 3 is a time as text, which hex cannot hold/);
  });
});

const encodings = fc.constantFrom(...TEXT_ENCODINGS);
const endings = fc.constantFrom(...LINE_ENDINGS);

describe('conversion keeps the bytes', () => {
  it('hex → text → hex sends the same bytes and writes the same hex', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), encodings, fc.boolean(), endings, (bytes, encoding, escapes, lineEnding) => {
        const hex = typed({ format: 'hex', value: formatHex(bytes), encoding, escapes, lineEnding });
        const text = converted(hex, 'text');
        expect(wire(text.payload)).toEqual(wire(hex));
        const back = converted(text.payload, 'hex');
        expect(wire(back.payload)).toEqual(wire(hex));
        if (text.notes.length === 0) expect(back.payload.value).toBe(hex.value);
      }),
      { numRuns: 400 },
    );
  });

  it('text → hex → text sends the same bytes, whatever was typed', () => {
    const typedText = fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 24 }),
      fc.string({ unit: 'binary', maxLength: 24 }),
      fc
        .array(fc.constantFrom('a', '\\', 'x', 'r', 'n', '0', 'f', 'u', '{', '}', '中', '\n'), { maxLength: 24 })
        .map((parts) => parts.join('')),
    );
    fc.assert(
      fc.property(typedText, encodings, fc.boolean(), endings, (value, encoding, escapes, lineEnding) => {
        const text = typed({ value, encoding, escapes, lineEnding });
        const sent = encodePayload(text);
        const hex = convertPayload(text, 'hex');
        // Whatever cannot be sent cannot be converted, for the same reason at the same place.
        expect(hex.ok).toBe(sent.ok);
        if (!hex.ok || !sent.ok) return;
        expect(wire(hex.payload)).toEqual(sent.value);
        expect(wire(converted(hex.payload, 'text').payload)).toEqual(sent.value);
      }),
      { numRuns: 400 },
    );
  });
});
