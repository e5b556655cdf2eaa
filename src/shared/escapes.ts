/**
 * Backslash escapes in text payloads. `\xNN` is a raw byte, not the character U+00NN, so that
 * any byte can be sent whatever the encoding; everything else is a character, encoded later.
 */
import { hexDigitValue } from './hex';
import { phrase, type Phrase } from './phrase';
import { textProblem, type TextProblem } from './text-encoding';

export interface EscapeSink {
  /**
   * Characters starting at `at` in the input: a run typed as it is, or the value of one
   * escape. A problem returned stops the scan and is its result.
   */
  text(text: string, at: number): TextProblem | undefined;
  byte(value: number): void;
}

function invalid(name: string, at: number, advice?: Phrase): TextProblem {
  return advice ? textProblem('escape.invalidWhy', { name, at, advice }, at) : textProblem('escape.invalid', { name, at }, at);
}

/** The value of `count` hex digits at `start`, or -1 unless all of them are hex digits. */
function hexAt(text: string, start: number, count: number): number {
  let value = 0;
  for (let k = start; k < start + count; k++) {
    const digit = hexDigitValue(text.charCodeAt(k));
    if (digit === -1) return -1;
    value = value * 16 + digit;
  }
  return value;
}

const isHighSurrogate = (unit: number): boolean => unit >= 0xd800 && unit <= 0xdbff;
const isLowSurrogate = (unit: number): boolean => unit >= 0xdc00 && unit <= 0xdfff;

function loneSurrogate(text: string, at: number, advice: Phrase): TextProblem {
  return textProblem('escape.lone', { unit: text.slice(at, at + 6), at, advice }, at);
}

const MAX_BRACED_DIGITS = 6;

// \u{1F600}: the whole code point in one escape, as in JavaScript.
function bracedEscape(text: string, at: number, sink: EscapeSink): number | TextProblem {
  const close = text.indexOf('}', at + 3);
  const digits = close - (at + 3);
  const tooLong = close === -1 || digits > MAX_BRACED_DIGITS;
  const name = text.slice(at, tooLong ? at + 3 + MAX_BRACED_DIGITS : close + 1);
  const advice = phrase('escape.braced', { form: '\\u{N}' });
  if (tooLong || digits < 1) return invalid(name, at, advice);
  const codePoint = hexAt(text, at + 3, digits);
  if (codePoint === -1 || codePoint > 0x10ffff) return invalid(name, at, advice);
  if (isHighSurrogate(codePoint) || isLowSurrogate(codePoint)) {
    return invalid(name, at, phrase('escape.wholeCodePoint'));
  }
  return sink.text(String.fromCodePoint(codePoint), at) ?? close + 1;
}

function unicodeEscape(text: string, at: number, sink: EscapeSink): number | TextProblem {
  if (text.charCodeAt(at + 2) === 0x7b) return bracedEscape(text, at, sink);
  const unit = hexAt(text, at + 2, 4);
  if (unit === -1) return invalid(text.slice(at, at + 6), at);
  if (isLowSurrogate(unit)) return loneSurrogate(text, at, phrase('escape.needsHigh'));
  if (!isHighSurrogate(unit)) return sink.text(String.fromCharCode(unit), at) ?? at + 6;
  const low = text.startsWith('\\u', at + 6) ? hexAt(text, at + 8, 4) : -1;
  if (!isLowSurrogate(low)) return loneSurrogate(text, at, phrase('escape.needsLow'));
  return sink.text(String.fromCharCode(unit, low), at) ?? at + 12;
}

/** Hands the escape at `at` to `sink`; the index after it, or the problem with it. */
function escapeAt(text: string, at: number, sink: EscapeSink): number | TextProblem {
  const letter = text[at + 1];
  switch (letter) {
    case 'r':
      return sink.text('\r', at) ?? at + 2;
    case 'n':
      return sink.text('\n', at) ?? at + 2;
    case 't':
      return sink.text('\t', at) ?? at + 2;
    case '0':
      return sink.text('\0', at) ?? at + 2;
    case '\\':
      return sink.text('\\', at) ?? at + 2;
    case 'x': {
      const byte = hexAt(text, at + 2, 2);
      if (byte === -1) return invalid(text.slice(at, at + 4), at);
      sink.byte(byte);
      return at + 4;
    }
    case 'u':
      return unicodeEscape(text, at, sink);
    case undefined:
      return invalid('\\', at, phrase('escape.loneBackslash'));
    default:
      return invalid(`\\${String.fromCodePoint(text.codePointAt(at + 1) ?? 0)}`, at);
  }
}

/**
 * Walks text with `\r \n \t \0 \\ \xNN \uNNNN \u{N}` once, handing typed runs and escapes
 * to `sink` in order; the first problem, the input's or the sink's, ends the walk.
 */
export function scanEscapes(text: string, sink: EscapeSink): TextProblem | undefined {
  let literalStart = 0;
  for (let slash = text.indexOf('\\'); slash !== -1; slash = text.indexOf('\\', literalStart)) {
    if (slash > literalStart) {
      const problem = sink.text(text.slice(literalStart, slash), literalStart);
      if (problem) return problem;
    }
    const next = escapeAt(text, slash, sink);
    if (typeof next !== 'number') return next;
    literalStart = next;
  }
  return literalStart < text.length ? sink.text(text.slice(literalStart), literalStart) : undefined;
}
