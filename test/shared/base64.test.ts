import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeBase64, encodeBase64 } from '@shared/base64';

const ascii = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0));

const decoded = (text: string): Uint8Array => {
  const result = decodeBase64(text);
  if (!result.ok) throw new Error(`expected ${JSON.stringify(text)} to decode: ${result.message}`);
  return result.bytes;
};

// RFC 4648 section 10.
const VECTORS: [string, string][] = [
  ['', ''],
  ['f', 'Zg=='],
  ['fo', 'Zm8='],
  ['foo', 'Zm9v'],
  ['foob', 'Zm9vYg=='],
  ['fooba', 'Zm9vYmE='],
  ['foobar', 'Zm9vYmFy'],
];

describe('encodeBase64', () => {
  it.each(VECTORS)('encodes %j as %j', (plain, encoded) => {
    expect(encodeBase64(ascii(plain))).toBe(encoded);
  });

  it('uses the standard alphabet', () => {
    expect(encodeBase64(Uint8Array.of(0xfb, 0xff, 0xbf))).toBe('+/+/');
  });
});

describe('decodeBase64', () => {
  it.each(VECTORS)('decodes %j from %j', (plain, encoded) => {
    expect(decoded(encoded)).toEqual(ascii(plain));
  });

  it.each([
    ['Zg', 'f'],
    ['Zg=', 'f'],
    ['Zm8', 'fo'],
    ['Zm9vYg', 'foob'],
    ['Zm9vYmE', 'fooba'],
  ])('takes padding as optional: %j', (encoded, plain) => {
    expect(decoded(encoded)).toEqual(ascii(plain));
  });

  it('ignores spaces, tabs and line breaks anywhere', () => {
    expect(decoded(' Zm9v\r\nYmFy\n')).toEqual(ascii('foobar'));
    expect(decoded('Z m 9 v\tY g = =')).toEqual(ascii('foob'));
    expect(decoded(' \n\t')).toEqual(new Uint8Array());
  });

  it('reads the URL-safe alphabet, also mixed with the standard one', () => {
    expect(decoded('-_-_')).toEqual(Uint8Array.of(0xfb, 0xff, 0xbf));
    expect(decoded('+_-/')).toEqual(Uint8Array.of(0xfb, 0xff, 0xbf));
    expect(decoded('-w')).toEqual(Uint8Array.of(0xfb));
  });

  it('ignores stray bits in the last character, as Node does', () => {
    expect(decoded('Zh==')).toEqual(ascii('f'));
  });

  it('reports a character outside the alphabet with its position', () => {
    expect(decodeBase64('Zm9v!mFy')).toMatchObject({
      ok: false,
      message: "Unexpected character '!' at position 4: base64 uses A-Z, a-z, 0-9, + and / (or - and _), with = padding only at the end",
      index: 4,
    });
    expect(decodeBase64('Zm9vé')).toMatchObject({ ok: false, index: 4 });
    expect(decodeBase64('Zm9v.')).toMatchObject({ ok: false, index: 4 });
    expect(decodeBase64('Zm\u00a09v')).toMatchObject({ ok: false, index: 2, message: expect.stringContaining('U+00A0') });
  });

  it('reports data after the padding', () => {
    expect(decodeBase64('Zg==Zg==')).toMatchObject({
      ok: false,
      message:
        "Unexpected character 'Z' at position 4 after the padding at position 2: base64 uses A-Z, a-z, 0-9, + and / (or - and _), with = padding only at the end",
      index: 4,
    });
  });

  it('reports padding where none fits', () => {
    expect(decodeBase64('Zg===')).toMatchObject({
      ok: false,
      message: "Unexpected padding '=' at position 4: padding only fills the last group up to four characters",
      index: 4,
    });
    expect(decodeBase64('Zm8==')).toMatchObject({ ok: false, index: 4 });
    expect(decodeBase64('Zm9v=')).toMatchObject({ ok: false, index: 4 });
    expect(decodeBase64('=')).toMatchObject({ ok: false, index: 0 });
  });

  it('reports a last group of one character', () => {
    expect(decodeBase64('Zm9vY')).toMatchObject({
      ok: false,
      message: 'Incomplete base64 at position 4: a last group of one character cannot hold a byte',
      index: 4,
    });
    expect(decodeBase64('Z')).toMatchObject({ ok: false, index: 0 });
    expect(decodeBase64('Zm9vY===')).toMatchObject({ ok: false, index: 4 });
    expect(decodeBase64('Zm9vY \n')).toMatchObject({ ok: false, index: 4 });
  });

  it('decodes into one buffer of the exact size, padded or not, so a large send is not held twice', () => {
    for (const text of ['Zg==', 'Zm8=', 'Zm9v', Buffer.alloc(16 * 1024 * 1024 + 1, 7).toString('base64')]) {
      const result = decodeBase64(text);
      if (!result.ok) throw new Error(result.message);
      expect(result.bytes.byteLength).toBe(Buffer.from(text, 'base64').byteLength);
      expect(result.bytes.buffer.byteLength).toBe(result.bytes.byteLength);
    }
    // Whitespace makes the text longer than its bytes need: trimmed, still exact.
    const spaced = decodeBase64('Zm9v\nYmFy\n');
    expect(spaced.ok && spaced.bytes.buffer.byteLength).toBe(6);
  });

  it('round-trips all 256 byte values', () => {
    const all = Uint8Array.from({ length: 256 }, (_, n) => n);
    const text = encodeBase64(all);
    expect(text).toBe(Buffer.from(all).toString('base64'));
    expect(decoded(text)).toEqual(all);
  });
});

describe('base64 properties', () => {
  const anyBytes = fc.uint8Array({ maxLength: 200 });

  it('round-trips any bytes', () => {
    fc.assert(
      fc.property(anyBytes, (b) => {
        expect(decoded(encodeBase64(b))).toEqual(b);
      }),
    );
  });

  it("agrees with Node's encoder", () => {
    fc.assert(
      fc.property(anyBytes, (b) => {
        expect(encodeBase64(b)).toBe(Buffer.from(b).toString('base64'));
      }),
    );
  });

  it("reads Node's URL-safe, unpadded output", () => {
    fc.assert(
      fc.property(anyBytes, (b) => {
        expect(decoded(Buffer.from(b).toString('base64url'))).toEqual(b);
      }),
    );
  });

  it('reads base64 with whitespace inserted anywhere', () => {
    fc.assert(
      fc.property(anyBytes, fc.array(fc.tuple(fc.nat(), fc.constantFrom(' ', '\n', '\r\n', '\t'))), (b, inserts) => {
        let text = encodeBase64(b);
        for (const [at, space] of inserts) {
          const index = at % (text.length + 1);
          text = text.slice(0, index) + space + text.slice(index);
        }
        expect(decoded(text)).toEqual(b);
      }),
    );
  });

  const alphabet = new Set([...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_= \t\r\n']);
  const badChar = fc.string({ minLength: 1, maxLength: 1, unit: 'binary' }).filter((c) => !alphabet.has(c[0]!));

  it('reports a character inserted anywhere in valid base64 at its position', () => {
    fc.assert(
      fc.property(anyBytes, badChar, fc.nat(), (b, bad, at) => {
        const valid = encodeBase64(b);
        // Before the padding, so the inserted character is the first problem.
        const end = valid.indexOf('=') === -1 ? valid.length : valid.indexOf('=');
        const index = at % (end + 1);
        expect(decodeBase64(valid.slice(0, index) + bad + valid.slice(index))).toMatchObject({ ok: false, index });
      }),
    );
  });
});
