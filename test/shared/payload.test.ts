import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { LINE_ENDINGS, TEXT_ENCODINGS, type Payload } from '@shared/contract';
import { AppCode, hintFor } from '@shared/errors';
import { english } from '@shared/phrase';
import { encodeBase64 } from '@shared/base64';
import { formatHex } from '@shared/hex';
import { MAX_SEND_BYTES } from '@shared/limits';
import { encodePayload, payloadProblem } from '@shared/payload';
import { decodeText } from '@shared/text-encoding';
import { toEscapedText } from '@shared/visible-text';

const payload = (fields: Partial<Payload> & Pick<Payload, 'value'>): Payload => ({
  format: 'text',
  encoding: 'utf-8',
  escapes: true,
  lineEnding: 'none',
  ...fields,
});

const bytesOf = (fields: Partial<Payload> & Pick<Payload, 'value'>): Uint8Array => {
  const result = encodePayload(payload(fields));
  if (!result.ok) throw new Error(`expected to encode: ${result.error.message}`);
  return result.value;
};

const b = (...values: number[]): Uint8Array => Uint8Array.from(values);
const ALL_BYTES = Uint8Array.from({ length: 256 }, (_, n) => n);

describe('encodePayload formats', () => {
  it('reads hex', () => {
    expect(bytesOf({ format: 'hex', value: 'de ad:BE-ef' })).toEqual(b(0xde, 0xad, 0xbe, 0xef));
  });

  it('reads base64', () => {
    expect(bytesOf({ format: 'base64', value: 'Zm9vYmFy' })).toEqual(new TextEncoder().encode('foobar'));
  });

  it('writes text in the chosen encoding', () => {
    expect(bytesOf({ value: 'é' })).toEqual(b(0xc3, 0xa9));
    expect(bytesOf({ value: 'é', encoding: 'latin1' })).toEqual(b(0xe9));
    expect(bytesOf({ value: 'é', encoding: 'utf-16le' })).toEqual(b(0xe9, 0x00));
  });

  it('reads escapes in text: characters in the encoding, \\xNN as raw bytes', () => {
    expect(bytesOf({ value: 'a\\n\\xff\\u00e9' })).toEqual(b(0x61, 0x0a, 0xff, 0xc3, 0xa9));
    expect(bytesOf({ value: 'a\\n\\xff\\u00e9', encoding: 'latin1' })).toEqual(b(0x61, 0x0a, 0xff, 0xe9));
    expect(bytesOf({ value: 'a\\n\\xff\\u00e9', encoding: 'utf-16le' })).toEqual(b(0x61, 0, 0x0a, 0, 0xff, 0xe9, 0));
    expect(bytesOf({ value: '\\0', encoding: 'utf-16le' })).toEqual(b(0, 0));
  });

  it('sends backslashes as typed when escapes are off', () => {
    expect(bytesOf({ value: 'a\\n\\q\\', escapes: false })).toEqual(new TextEncoder().encode('a\\n\\q\\'));
  });

  it('gives zero bytes for an empty value', () => {
    for (const format of ['text', 'hex', 'base64'] as const) expect(bytesOf({ format, value: '' })).toEqual(b());
  });
});

describe('encodePayload line endings', () => {
  const ENDINGS = { none: [], lf: [0x0a], cr: [0x0d], crlf: [0x0d, 0x0a] } as const;

  it.each(LINE_ENDINGS)('appends %s to text, hex and base64 alike', (lineEnding) => {
    const ending = ENDINGS[lineEnding];
    expect(bytesOf({ value: 'hi', lineEnding })).toEqual(b(0x68, 0x69, ...ending));
    expect(bytesOf({ value: 'hi', encoding: 'latin1', lineEnding })).toEqual(b(0x68, 0x69, ...ending));
    expect(bytesOf({ format: 'hex', value: '0102', lineEnding })).toEqual(b(1, 2, ...ending));
    expect(bytesOf({ format: 'base64', value: 'AQI=', lineEnding })).toEqual(b(1, 2, ...ending));
    expect(bytesOf({ value: '', lineEnding })).toEqual(b(...ending));
  });

  it('writes the line ending as UTF-16LE for UTF-16LE text only', () => {
    expect(bytesOf({ value: 'A', encoding: 'utf-16le', lineEnding: 'crlf' })).toEqual(b(0x41, 0, 0x0d, 0, 0x0a, 0));
    expect(bytesOf({ value: 'A', encoding: 'utf-16le', lineEnding: 'lf', escapes: false })).toEqual(b(0x41, 0, 0x0a, 0));
    expect(bytesOf({ format: 'hex', value: '41', encoding: 'utf-16le', lineEnding: 'crlf' })).toEqual(b(0x41, 0x0d, 0x0a));
    expect(bytesOf({ format: 'base64', value: 'QQ', encoding: 'utf-16le', lineEnding: 'cr' })).toEqual(b(0x41, 0x0d));
  });
});

describe('encodePayload size limit', () => {
  const zerosBase64 = (count: number): string => Buffer.alloc(count).toString('base64');

  it('refuses more than MAX_SEND_BYTES', () => {
    const result = encodePayload(payload({ format: 'base64', value: zerosBase64(MAX_SEND_BYTES + 1) }));
    expect(result).toMatchObject({
      ok: false,
      error: {
        code: AppCode.PayloadTooLarge,
        message: `Payload is ${MAX_SEND_BYTES + 1} bytes; one send carries at most ${MAX_SEND_BYTES} bytes`,
        hint: english(hintFor(AppCode.PayloadTooLarge)),
      },
    });
  });

  it('accepts exactly MAX_SEND_BYTES, and counts the line ending', () => {
    const value = zerosBase64(MAX_SEND_BYTES);
    const exact = encodePayload(payload({ format: 'base64', value }));
    expect(exact.ok && exact.value.length).toBe(MAX_SEND_BYTES);
    const withEnding = encodePayload(payload({ format: 'base64', value, lineEnding: 'lf' }));
    expect(withEnding).toMatchObject({ ok: false, error: { code: AppCode.PayloadTooLarge } });
  });
});

describe('encodePayload errors', () => {
  it('names the format and the position', () => {
    expect(encodePayload(payload({ format: 'hex', value: '01, 123' }))).toMatchObject({
      ok: false,
      error: {
        code: AppCode.InvalidArgument,
        message: "Hex payload: Odd number of hex digits in '123' at position 4: each byte needs two digits",
        hint: expect.any(String),
      },
    });
    expect(encodePayload(payload({ format: 'base64', value: 'Zm9v!' }))).toMatchObject({
      ok: false,
      error: { code: AppCode.InvalidArgument, message: expect.stringMatching(/^Base64 payload: Unexpected character '!' at position 4:/) },
    });
    expect(encodePayload(payload({ value: 'ab\\q' }))).toMatchObject({
      ok: false,
      error: { code: AppCode.InvalidArgument, message: expect.stringMatching(/^Text payload: Invalid escape \\q at position 2:/) },
    });
  });

  it('gives a hint for each format', () => {
    const hints = (['text', 'hex', 'base64'] as const).map((format) => {
      const result = encodePayload(payload({ format, value: '\\!' }));
      return result.ok ? '' : result.error.hint;
    });
    expect(hints.every((hint) => hint.length > 0)).toBe(true);
    expect(new Set(hints).size).toBe(3);
  });

  it('points at the character the encoding lacks, in the value as typed', () => {
    // a, \x00 (1–4), \n (5–6), then 中 at 7: escapes before it shift the position.
    expect(payloadProblem(payload({ value: 'a\\x00\\n中', encoding: 'latin1' }))).toMatchObject({
      message: "Character '中' at position 7 cannot be written in Latin-1; use UTF-8 or a \\xNN escape",
      index: 7,
    });
    expect(payloadProblem(payload({ value: 'ab\\u4e2d', encoding: 'latin1' }))).toMatchObject({ index: 2 });
    expect(payloadProblem(payload({ value: '\\x01\\x02é\\u{1F600}', encoding: 'latin1' }))).toMatchObject({ index: 9 });
    expect(payloadProblem(payload({ value: 'a\\n中', encoding: 'latin1', escapes: false }))).toMatchObject({ index: 3 });
    expect(payloadProblem(payload({ value: 'a\\t\ud800', encoding: 'utf-8' }))).toMatchObject({ index: 3 });
  });
});

describe('payloadProblem', () => {
  it('is undefined for a valid value', () => {
    expect(payloadProblem(payload({ format: 'hex', value: '01 02' }))).toBeUndefined();
    expect(payloadProblem(payload({ value: 'a\\n' }))).toBeUndefined();
    expect(payloadProblem(payload({ value: '\\q', escapes: false }))).toBeUndefined();
  });

  it('gives the message and position without the format prefix', () => {
    expect(payloadProblem(payload({ format: 'hex', value: 'de ad g' }))).toMatchObject({
      message: "Unexpected character 'g' at position 6: hex uses 0-9 and a-f",
      index: 6,
    });
    expect(payloadProblem(payload({ format: 'base64', value: 'Z' }))).toMatchObject({ index: 0 });
    expect(payloadProblem(payload({ value: 'abc\\uD800' }))).toMatchObject({ index: 3 });
  });
});

describe('payload properties', () => {
  const anyBytes = fc.uint8Array({ maxLength: 100 });

  it('round-trips all 256 byte values through hex, base64, Latin-1 text and escaped text', () => {
    expect(bytesOf({ format: 'hex', value: formatHex(ALL_BYTES) })).toEqual(ALL_BYTES);
    expect(bytesOf({ format: 'base64', value: encodeBase64(ALL_BYTES) })).toEqual(ALL_BYTES);
    expect(bytesOf({ value: decodeText(ALL_BYTES, 'latin1'), encoding: 'latin1', escapes: false })).toEqual(ALL_BYTES);
    for (const encoding of TEXT_ENCODINGS) {
      expect(bytesOf({ value: toEscapedText(ALL_BYTES, encoding), encoding })).toEqual(ALL_BYTES);
    }
  });

  it('sends exactly the bytes written as hex or base64, then the line ending', () => {
    fc.assert(
      fc.property(anyBytes, fc.constantFrom(...LINE_ENDINGS), (bytes, lineEnding) => {
        const ending = { none: [], lf: [0x0a], cr: [0x0d], crlf: [0x0d, 0x0a] }[lineEnding];
        const expected = Uint8Array.from([...bytes, ...ending]);
        expect(bytesOf({ format: 'hex', value: formatHex(bytes), lineEnding })).toEqual(expected);
        expect(bytesOf({ format: 'base64', value: Buffer.from(bytes).toString('base64'), lineEnding })).toEqual(expected);
      }),
    );
  });

  it('sends \\xNN escapes of any bytes as those bytes in every encoding', () => {
    fc.assert(
      fc.property(anyBytes, fc.constantFrom(...TEXT_ENCODINGS), (bytes, encoding) => {
        const value = Array.from(bytes, (byte) => `\\x${byte.toString(16).padStart(2, '0')}`).join('');
        expect(bytesOf({ value, encoding })).toEqual(bytes);
      }),
    );
  });

  it('reports an odd hex group at its position, as payloadProblem does', () => {
    fc.assert(
      fc.property(anyBytes, fc.constantFrom('0', 'a', 'F'), (bytes, digit) => {
        const valid = formatHex(bytes);
        const index = valid.length === 0 ? 0 : valid.length + 1;
        const value = valid.length === 0 ? digit : `${valid} ${digit}`;
        expect(payloadProblem(payload({ format: 'hex', value }))).toMatchObject({ index });
        const result = encodePayload(payload({ format: 'hex', value }));
        expect(result.ok ? '' : result.error.message).toContain(`at position ${index}:`);
      }),
    );
  });

  it('reports a character Latin-1 lacks, after any escapes, at its position in the value', () => {
    const pieces = fc.array(fc.constantFrom('a', '\\n', '\\x41', '\\u00e9', '\\\\', 'é', '\\u{41}'), { maxLength: 10 });
    fc.assert(
      fc.property(pieces, fc.constantFrom('中', '\\u4e2d', '\\uD83D\\uDE00', '😀', '\\u{1F600}'), pieces, (before, bad, after) => {
        const prefix = before.join('');
        const value = prefix + bad + after.join('');
        expect(payloadProblem(payload({ value, encoding: 'latin1' }))).toMatchObject({ index: prefix.length });
      }),
    );
  });
});
