/**
 * Hex patterns with wildcards, as device manuals write requests: `01 03 ?? ??` is 01, 03 and any
 * two bytes. Separators and `0x` prefixes are those of parseHex (./hex.ts); `??` stands for one
 * byte, and each run of them is one capture of a match (`{{$1}}` is the first run's bytes).
 */
import { hexDigitValue, isHexSeparator } from './hex';
import { textProblem, type TextProblem } from './text-encoding';
import { describeCharAt } from './visible-text';

export interface HexPattern {
  /** The byte at each position, or -1 for a wildcard. */
  bytes: readonly number[];
  /** Each run of wildcards: its first index and its length. */
  runs: readonly { start: number; length: number }[];
}

export type HexPatternParse = { ok: true; pattern: HexPattern } | ({ ok: false } & TextProblem);

const QUESTION = 0x3f;

export function parseHexPattern(text: string): HexPatternParse {
  const bytes: number[] = [];
  for (let i = 0; i < text.length;) {
    const code = text.charCodeAt(i);
    if (isHexSeparator(code)) {
      i += 1;
      continue;
    }
    if (code === QUESTION) {
      if (text.charCodeAt(i + 1) !== QUESTION) {
        return { ok: false, ...textProblem('rule.hex.wildcard', { at: i }, i) };
      }
      bytes.push(-1);
      i += 2;
      continue;
    }
    if (code === 0x30 && (text.charCodeAt(i + 1) | 0x20) === 0x78) {
      i += 2;
      if (i >= text.length || hexDigitValue(text.charCodeAt(i)) === -1) {
        return { ok: false, ...textProblem('rule.hex.prefix', { at: i - 2 }, i - 2) };
      }
      continue;
    }
    const high = hexDigitValue(code);
    if (high === -1) {
      return { ok: false, ...textProblem('rule.hex.unexpected', { char: describeCharAt(text, i), at: i }, i) };
    }
    const low = i + 1 < text.length ? hexDigitValue(text.charCodeAt(i + 1)) : -1;
    if (low === -1) return { ok: false, ...textProblem('rule.hex.oneDigit', { digit: text[i]!, at: i }, i) };
    bytes.push((high << 4) | low);
    i += 2;
  }
  if (bytes.length === 0) return { ok: false, ...textProblem('rule.hex.empty', {}, 0) };
  const runs: { start: number; length: number }[] = [];
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] !== -1) continue;
    const last = runs[runs.length - 1];
    if (last && last.start + last.length === i) last.length += 1;
    else runs.push({ start: i, length: 1 });
  }
  return { ok: true, pattern: { bytes, runs } };
}

/** Whether the pattern matches `message` at `offset`. */
export function hexPatternAt(pattern: HexPattern, message: Uint8Array, offset: number): boolean {
  const want = pattern.bytes;
  if (offset < 0 || offset + want.length > message.length) return false;
  for (let i = 0; i < want.length; i++) {
    const b = want[i]!;
    if (b !== -1 && message[offset + i] !== b) return false;
  }
  return true;
}

/** The first offset where the pattern matches, or -1. */
export function findHexPattern(pattern: HexPattern, message: Uint8Array): number {
  for (let offset = 0; offset + pattern.bytes.length <= message.length; offset++) {
    if (hexPatternAt(pattern, message, offset)) return offset;
  }
  return -1;
}
