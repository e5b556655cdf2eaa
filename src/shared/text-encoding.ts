import type { TextEncodingName } from './contract';
import { gbCodeOf, gbDecoder, NO_GB_CODE, writeGbCode } from './gb18030';
import { english, phrase, type Phrase, type PhraseKey, type PhraseParam } from './phrase';
import { describeCharAt } from './visible-text';

/**
 * Why a text cannot be read or written (in English, and as a phrase for the page when it has
 * one: the auto-reply rules' checks do not yet), and the position in it to mark.
 */
export interface TextProblem {
  message: string;
  phrase?: Phrase;
  index: number;
}

/** A problem's words in the reader's language: its phrase, else its English. */
export function problemWords(problem: TextProblem, say: (said: Phrase) => string): string {
  return problem.phrase ? say(problem.phrase) : problem.message;
}

export function textProblem(key: PhraseKey, params: Readonly<Record<string, PhraseParam>>, index: number): TextProblem {
  // Positions as an editor counts them: "position 1234", never grouped.
  const plain = Object.fromEntries(
    Object.entries(params).map(([name, value]) => [name, typeof value === 'number' ? String(value) : value]),
  );
  const said = phrase(key, plain);
  return { message: english(said), phrase: said, index };
}

export type TextEncodeResult = { ok: true; bytes: Uint8Array } | ({ ok: false } & TextProblem);

// ignoreBOM keeps a leading U+FEFF in the text: an inspector must not hide bytes that came in.
const utf8Decoder = new TextDecoder('utf-8', { ignoreBOM: true });
const utf16leDecoder = new TextDecoder('utf-16le', { ignoreBOM: true });

const isHighSurrogate = (unit: number): boolean => unit >= 0xd800 && unit <= 0xdbff;
const isLowSurrogate = (unit: number): boolean => unit >= 0xdc00 && unit <= 0xdfff;

/** Index of the first half of a surrogate pair that lacks its other half, or -1. */
function loneSurrogateAt(text: string): number {
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (isHighSurrogate(unit) && isLowSurrogate(text.charCodeAt(i + 1))) i += 1;
    else if (isHighSurrogate(unit) || isLowSurrogate(unit)) return i;
  }
  return -1;
}

function utf8Length(text: string): number {
  let length = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) length += 1;
    else if (unit < 0x800) length += 2;
    else if (isHighSurrogate(unit)) {
      length += 4;
      i += 1;
    } else length += 3;
  }
  return length;
}

function latin1LackAt(text: string): number {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0xff) return i;
  return -1;
}

function gbProblem(text: string, index: number, at: number, gbk: boolean): TextProblem {
  const unit = text.charCodeAt(index);
  const what = describeCharAt(text, index);
  const lone = isLowSurrogate(unit) || (isHighSurrogate(unit) && !isLowSurrogate(text.charCodeAt(index + 1)));
  if (lone) {
    return textProblem('encode.lone', { char: what, at, encoding: gbk ? 'GBK' : 'GB18030' }, at);
  }
  return textProblem(gbk ? 'encode.gbk' : 'encode.gb18030', { char: what, at }, at);
}

/**
 * Bytes appended run by run into one buffer that grows by doubling. Text payloads with many
 * escapes are millions of tiny runs; an array per run would keep the garbage collector busy.
 */
export class ByteWriter {
  private buffer = new Uint8Array(256);
  private length = 0;

  private reserve(extra: number): void {
    const needed = this.length + extra;
    if (needed <= this.buffer.length) return;
    const grown = new Uint8Array(Math.max(needed, this.buffer.length * 2));
    grown.set(this.buffer.subarray(0, this.length));
    this.buffer = grown;
  }

  writeByte(value: number): void {
    this.reserve(1);
    this.buffer[this.length++] = value;
  }

  /**
   * Appends `text` in `encoding`, or writes nothing and names the first character it cannot
   * write; positions are reported from `offset`, for text cut out of a longer value.
   */
  writeText(text: string, encoding: TextEncodingName, offset = 0): TextProblem | undefined {
    switch (encoding) {
      case 'utf-8':
        return this.writeUtf8(text, offset);
      case 'latin1':
        return this.writeLatin1(text, offset);
      case 'utf-16le':
        // Every UTF-16 code unit has a UTF-16LE form, lone surrogates included.
        this.writeUtf16le(text);
        return undefined;
      case 'gbk':
        return this.writeGb(text, true, offset);
      case 'gb18030':
        return this.writeGb(text, false, offset);
    }
  }

  toBytes(): Uint8Array {
    return this.length === this.buffer.length ? this.buffer : this.buffer.slice(0, this.length);
  }

  private writeUtf8(text: string, offset: number): TextProblem | undefined {
    // TextEncoder would quietly send U+FFFD for half a surrogate pair.
    const lone = loneSurrogateAt(text);
    if (lone !== -1) {
      const at = offset + lone;
      return textProblem('encode.lone', { char: describeCharAt(text, lone), at, encoding: 'UTF-8' }, at);
    }
    this.reserve(utf8Length(text));
    const buffer = this.buffer;
    let n = this.length;
    for (let i = 0; i < text.length; i++) {
      let codePoint = text.charCodeAt(i);
      if (isHighSurrogate(codePoint)) {
        i += 1;
        codePoint = 0x10000 + ((codePoint - 0xd800) << 10) + (text.charCodeAt(i) - 0xdc00);
      }
      if (codePoint < 0x80) {
        buffer[n++] = codePoint;
      } else if (codePoint < 0x800) {
        buffer[n++] = 0xc0 | (codePoint >> 6);
        buffer[n++] = 0x80 | (codePoint & 0x3f);
      } else if (codePoint < 0x10000) {
        buffer[n++] = 0xe0 | (codePoint >> 12);
        buffer[n++] = 0x80 | ((codePoint >> 6) & 0x3f);
        buffer[n++] = 0x80 | (codePoint & 0x3f);
      } else {
        buffer[n++] = 0xf0 | (codePoint >> 18);
        buffer[n++] = 0x80 | ((codePoint >> 12) & 0x3f);
        buffer[n++] = 0x80 | ((codePoint >> 6) & 0x3f);
        buffer[n++] = 0x80 | (codePoint & 0x3f);
      }
    }
    this.length = n;
    return undefined;
  }

  private writeLatin1(text: string, offset: number): TextProblem | undefined {
    const lack = latin1LackAt(text);
    if (lack !== -1) {
      const at = offset + lack;
      return textProblem('encode.latin1', { char: describeCharAt(text, lack), at }, at);
    }
    this.reserve(text.length);
    for (let i = 0; i < text.length; i++) this.buffer[this.length++] = text.charCodeAt(i);
    return undefined;
  }

  private writeGb(text: string, gbk: boolean, offset: number): TextProblem | undefined {
    const start = this.length;
    // Four bytes a UTF-16 unit is the most GB18030 needs (a surrogate pair: 2 units, 4 bytes).
    this.reserve(text.length * 4);
    const buffer = this.buffer;
    let n = this.length;
    for (let i = 0; i < text.length; i++) {
      const unit = text.charCodeAt(i);
      if (unit < 0x80) {
        buffer[n++] = unit;
        continue;
      }
      const pair = isHighSurrogate(unit) && isLowSurrogate(text.charCodeAt(i + 1));
      const codePoint = pair ? 0x10000 + ((unit - 0xd800) << 10) + (text.charCodeAt(i + 1) - 0xdc00) : unit;
      // A lone surrogate has no code in either table, so it lands here as well.
      const code = gbCodeOf(codePoint, gbk);
      if (code === NO_GB_CODE) {
        this.length = start;
        return gbProblem(text, i, offset + i, gbk);
      }
      n += writeGbCode(buffer, n, code);
      if (pair) i += 1;
    }
    this.length = n;
    return undefined;
  }

  private writeUtf16le(text: string): void {
    this.reserve(text.length * 2);
    for (let i = 0; i < text.length; i++) {
      const unit = text.charCodeAt(i);
      this.buffer[this.length++] = unit & 0xff;
      this.buffer[this.length++] = unit >> 8;
    }
  }
}

/** Text as bytes in one of the payload encodings. */
export function encodeText(text: string, encoding: TextEncodingName): TextEncodeResult {
  const writer = new ByteWriter();
  const problem = writer.writeText(text, encoding);
  return problem ? { ok: false, ...problem } : { ok: true, bytes: writer.toBytes() };
}

// Below the engines' argument-count limits for String.fromCharCode.
const CHUNK = 0x2000;

function decodeLatin1(bytes: Uint8Array): string {
  let text = '';
  for (let i = 0; i < bytes.length; i += CHUNK) text += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  return text;
}

/**
 * Bytes as text, never failing: malformed UTF-8, UTF-16, GBK or GB18030 becomes U+FFFD. GBK
 * is read with the GB18030 decoder, as the WHATWG standard specifies, so its superset decodes. Latin-1 is decoded
 * by hand because TextDecoder's 'latin1' label means windows-1252, which remaps 0x80–0x9f.
 */
export function decodeText(bytes: Uint8Array, encoding: TextEncodingName): string {
  switch (encoding) {
    case 'utf-8':
      return utf8Decoder.decode(bytes);
    case 'latin1':
      return decodeLatin1(bytes);
    case 'utf-16le':
      return utf16leDecoder.decode(bytes);
    case 'gbk':
    case 'gb18030':
      return gbDecoder().decode(bytes);
  }
}
