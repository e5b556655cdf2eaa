import { decodeText, textProblem, type TextProblem } from './text-encoding';
import { describeCharAt } from './visible-text';

type Base64Error = { ok: false } & TextProblem;
export type Base64Parse = { ok: true; bytes: Uint8Array } | Base64Error;

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const ALPHABET_CODES = Uint8Array.from(ALPHABET, (char) => char.charCodeAt(0));
const PAD = 0x3d;

// Char code → 6-bit value; the URL-safe alphabet's - and _ are read too, as people paste both.
const VALUES = new Int8Array(128).fill(-1);
for (let value = 0; value < 64; value++) VALUES[ALPHABET.charCodeAt(value)] = value;
VALUES[0x2d] = 62;
VALUES[0x5f] = 63;

const isWhitespace = (charCode: number): boolean => charCode === 0x20 || charCode === 0x09 || charCode === 0x0d || charCode === 0x0a;

/** Standard base64 with `=` padding. */
export function encodeBase64(bytes: Uint8Array): string {
  const codes = new Uint8Array(Math.ceil(bytes.length / 3) * 4);
  let out = 0;
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const triple = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    codes[out++] = ALPHABET_CODES[triple >> 18];
    codes[out++] = ALPHABET_CODES[(triple >> 12) & 63];
    codes[out++] = ALPHABET_CODES[(triple >> 6) & 63];
    codes[out++] = ALPHABET_CODES[triple & 63];
  }
  const rest = bytes.length - i;
  if (rest > 0) {
    const pair = (bytes[i] << 8) | (rest === 2 ? bytes[i + 1] : 0);
    codes[out++] = ALPHABET_CODES[pair >> 10];
    codes[out++] = ALPHABET_CODES[(pair >> 4) & 63];
    codes[out++] = rest === 2 ? ALPHABET_CODES[(pair << 2) & 63] : PAD;
    codes[out++] = PAD;
  }
  return decodeText(codes, 'latin1');
}

/** The most bytes `text` can decode to: room enough for decodeBase64Into. */
export const base64MaxBytes = (text: string): number => Math.floor((text.length * 3) / 4);

/**
 * Base64 as bytes: standard or URL-safe alphabet, padding optional, whitespace anywhere.
 * Stray bits in the last character are ignored, as Node and browsers do.
 */
export function decodeBase64(text: string): Base64Parse {
  const out = new Uint8Array(paddedBase64Bytes(text));
  const read = decodeBase64Into(text, out, 0);
  if (!read.ok) return read;
  return { ok: true, bytes: read.length === out.length ? out : out.slice(0, read.length) };
}

/**
 * What `text` decodes to when it holds no whitespace: its length less the padding at its end.
 * Sized so, the buffer is the result and no second copy is made; base64MaxBytes would be one or
 * two bytes too long for padded text, and the copy that trims it doubles a large send's memory
 * for a moment and leaves a hole the allocator may never give back. Whitespace makes the result
 * shorter, never longer, so this is always room enough.
 */
function paddedBase64Bytes(text: string): number {
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === PAD) end -= 1;
  return Math.floor((end * 3) / 4);
}

export type Base64Into = { ok: true; length: number } | Base64Error;

/**
 * decodeBase64 into `out` from `offset`, which must leave base64MaxBytes(text) of room: for
 * callers that cut many small byte strings from one buffer.
 */
export function decodeBase64Into(text: string, out: Uint8Array, offset: number): Base64Into {
  let length = offset;
  let quad = 0;
  let inQuad = 0;
  let lastDataAt = -1;
  let padAt = -1;
  let pads = 0;
  const incomplete = (): Base64Error => ({ ok: false, ...textProblem('base64.incomplete', { at: lastDataAt }, lastDataAt) });
  for (let i = 0; i < text.length; i++) {
    const charCode = text.charCodeAt(i);
    if (isWhitespace(charCode)) continue;
    if (charCode === PAD) {
      if (inQuad === 1) return incomplete();
      if (padAt === -1) padAt = i;
      pads += 1;
      // A group of two characters carries one byte and pads with ==, of three two bytes and =.
      if (inQuad === 0 || pads > 4 - inQuad) {
        return { ok: false, ...textProblem('base64.padding', { at: i }, i) };
      }
      continue;
    }
    const value = charCode < 128 ? VALUES[charCode] : -1;
    if (value === -1 || padAt !== -1) {
      const char = describeCharAt(text, i);
      const problem =
        padAt === -1 ? textProblem('base64.unexpected', { char, at: i }, i) : textProblem('base64.afterPadding', { char, at: i, padAt }, i);
      return { ok: false, ...problem };
    }
    lastDataAt = i;
    quad = (quad << 6) | value;
    inQuad += 1;
    if (inQuad === 4) {
      out[length++] = quad >> 16;
      out[length++] = (quad >> 8) & 0xff;
      out[length++] = quad & 0xff;
      quad = 0;
      inQuad = 0;
    }
  }
  if (inQuad === 1) return incomplete();
  if (inQuad === 2) out[length++] = quad >> 4;
  if (inQuad === 3) {
    out[length++] = quad >> 10;
    out[length++] = (quad >> 2) & 0xff;
  }
  return { ok: true, length: length - offset };
}
