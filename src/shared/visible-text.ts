/**
 * Received bytes as text a person can read and copy back: every byte is either part of a
 * character shown as itself or spelled out as an escape, so `toEscapedText` output, sent as a
 * text payload with escapes on and the same encoding, is exactly the bytes received.
 */
import type { TextEncodingName } from './contract';
import { gbSequenceAt } from './gb18030';

// Controls, format characters (zero-width, BOM, soft hyphen), line/paragraph separators, lone
// surrogates and spaces other than U+0020 would be invisible or look like something else.
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}\p{Zs}]/u;

export function isVisibleCodePoint(codePoint: number): boolean {
  return codePoint === 0x20 || !INVISIBLE.test(String.fromCodePoint(codePoint));
}

/** A character for an error message: quoted when it can be seen, else as U+XXXX. */
export function describeCharAt(text: string, index: number): string {
  const codePoint = text.codePointAt(index) ?? 0;
  if (isVisibleCodePoint(codePoint)) return `'${String.fromCodePoint(codePoint)}'`;
  return `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`;
}

const hex2 = (value: number): string => value.toString(16).padStart(2, '0');
const byteEscape = (byte: number): string => `\\x${hex2(byte)}`;
const unitEscape = (unit: number): string => `\\u${unit.toString(16).padStart(4, '0')}`;

function unicodeEscape(codePoint: number): string {
  if (codePoint <= 0xffff) return unitEscape(codePoint);
  const offset = codePoint - 0x10000;
  return unitEscape(0xd800 + (offset >> 10)) + unitEscape(0xdc00 + (offset & 0x3ff));
}

/** The short escapes every encoding shares; they stand for characters, not bytes. */
function shortEscape(codePoint: number): string | undefined {
  switch (codePoint) {
    case 0x0d:
      return '\\r';
    case 0x0a:
      return '\\n';
    case 0x09:
      return '\\t';
    case 0x00:
      return '\\0';
    case 0x5c:
      return '\\\\';
    default:
      return undefined;
  }
}

/** A byte that stands for the character of the same number: itself, a short escape or \xNN. */
function byteVisible(byte: number): string {
  const short = shortEscape(byte);
  if (short !== undefined) return short;
  return isVisibleCodePoint(byte) ? String.fromCharCode(byte) : byteEscape(byte);
}

function latin1Visible(bytes: Uint8Array): string {
  const parts: string[] = [];
  for (const byte of bytes) parts.push(byteVisible(byte));
  return parts.join('');
}

/**
 * The code point of the well-formed UTF-8 sequence at `start` and its length, or undefined
 * when the bytes there are not one: overlong forms, surrogates and values above U+10FFFF are
 * refused here (as the WHATWG decoder does) so that only bytes TextEncoder would produce again
 * are shown as characters.
 */
function utf8SequenceAt(bytes: Uint8Array, start: number): { codePoint: number; length: number } | undefined {
  const lead = bytes[start];
  let length: number;
  let secondMin = 0x80;
  let secondMax = 0xbf;
  if (lead >= 0xc2 && lead <= 0xdf) length = 2;
  else if (lead >= 0xe0 && lead <= 0xef) {
    length = 3;
    if (lead === 0xe0) secondMin = 0xa0;
    if (lead === 0xed) secondMax = 0x9f;
  } else if (lead >= 0xf0 && lead <= 0xf4) {
    length = 4;
    if (lead === 0xf0) secondMin = 0x90;
    if (lead === 0xf4) secondMax = 0x8f;
  } else return undefined;
  if (start + length > bytes.length) return undefined;
  let codePoint = lead & (0xff >> (length + 1));
  for (let k = 1; k < length; k++) {
    const byte = bytes[start + k];
    const min = k === 1 ? secondMin : 0x80;
    const max = k === 1 ? secondMax : 0xbf;
    if (byte < min || byte > max) return undefined;
    codePoint = (codePoint << 6) | (byte & 0x3f);
  }
  return { codePoint, length };
}

function utf8Visible(bytes: Uint8Array): string {
  const parts: string[] = [];
  let i = 0;
  while (i < bytes.length) {
    const byte = bytes[i];
    if (byte < 0x80) {
      parts.push(byteVisible(byte));
      i += 1;
      continue;
    }
    const sequence = utf8SequenceAt(bytes, i);
    if (sequence === undefined) {
      // Only the lead byte is spelled out: the next byte may start a valid character.
      parts.push(byteEscape(byte));
      i += 1;
      continue;
    }
    const { codePoint, length } = sequence;
    if (codePoint <= 0x9f) {
      // C1 controls: the two bytes say more on the wire than the code point does.
      for (let k = 0; k < length; k++) parts.push(byteEscape(bytes[i + k]));
    } else {
      parts.push(isVisibleCodePoint(codePoint) ? String.fromCodePoint(codePoint) : unicodeEscape(codePoint));
    }
    i += length;
  }
  return parts.join('');
}

function gbVisible(bytes: Uint8Array, gbk: boolean): string {
  const parts: string[] = [];
  let i = 0;
  while (i < bytes.length) {
    const byte = bytes[i];
    if (byte < 0x80) {
      parts.push(byteVisible(byte));
      i += 1;
      continue;
    }
    const sequence = gbSequenceAt(bytes, i, gbk);
    if (sequence === undefined) {
      // Only the lead byte is spelled out: the next byte may start a valid character.
      parts.push(byteEscape(byte));
      i += 1;
      continue;
    }
    const { codePoint, length } = sequence;
    parts.push(isVisibleCodePoint(codePoint) ? String.fromCodePoint(codePoint) : unicodeEscape(codePoint));
    i += length;
  }
  return parts.join('');
}

function utf16leVisible(bytes: Uint8Array): string {
  const parts: string[] = [];
  const unitAt = (at: number): number => bytes[at] | (bytes[at + 1] << 8);
  const evenLength = bytes.length & ~1;
  let i = 0;
  while (i < evenLength) {
    const unit = unitAt(i);
    const isHigh = unit >= 0xd800 && unit <= 0xdbff;
    const next = i + 2 < evenLength ? unitAt(i + 2) : -1;
    if (isHigh && next >= 0xdc00 && next <= 0xdfff) {
      const codePoint = 0x10000 + ((unit - 0xd800) << 10) + (next - 0xdc00);
      parts.push(isVisibleCodePoint(codePoint) ? String.fromCodePoint(codePoint) : unicodeEscape(codePoint));
      i += 4;
      continue;
    }
    if (unit >= 0xd800 && unit <= 0xdfff) {
      // A lone surrogate is no character, and a \u escape of one is refused when parsed.
      parts.push(byteEscape(bytes[i]) + byteEscape(bytes[i + 1]));
    } else {
      const short = shortEscape(unit);
      if (short !== undefined) parts.push(short);
      else parts.push(isVisibleCodePoint(unit) ? String.fromCharCode(unit) : unitEscape(unit));
    }
    i += 2;
  }
  if (evenLength < bytes.length) parts.push(byteEscape(bytes[evenLength]));
  return parts.join('');
}

/**
 * Bytes as readable text: printable characters as themselves, the rest as escapes (`\r \n \t
 * \0 \\`, `\xNN` for a raw byte, `\uNNNN` for an invisible character).
 */
function escapedText(bytes: Uint8Array, encoding: TextEncodingName): string {
  switch (encoding) {
    case 'utf-8':
      return utf8Visible(bytes);
    case 'latin1':
      return latin1Visible(bytes);
    case 'utf-16le':
      return utf16leVisible(bytes);
    case 'gbk':
      return gbVisible(bytes, true);
    case 'gb18030':
      return gbVisible(bytes, false);
  }
}

export function toEscapedText(bytes: Uint8Array, encoding: TextEncodingName): string {
  // A text payload is a template (./reply-template.ts): {{ would open a macro, so it is written \{{.
  return escapedText(bytes, encoding).replaceAll('{{', '\\{{');
}
