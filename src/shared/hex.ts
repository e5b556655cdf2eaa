import { describeCharAt } from './visible-text';
import { textProblem, type TextProblem } from './text-encoding';

export type HexParse = { ok: true; bytes: Uint8Array } | ({ ok: false } & TextProblem);

/** 0–15 for a hex digit's char code in either case, -1 for anything else. */
export function hexDigitValue(charCode: number): number {
  if (charCode >= 0x30 && charCode <= 0x39) return charCode - 0x30;
  const lower = charCode | 0x20;
  if (lower >= 0x61 && lower <= 0x66) return lower - 0x61 + 10;
  return -1;
}

/** Space, tab, CR, LF, comma, colon and dash: how dumps, MAC addresses and C arrays split bytes. */
export function isHexSeparator(charCode: number): boolean {
  return (
    charCode === 0x20 ||
    charCode === 0x09 ||
    charCode === 0x0d ||
    charCode === 0x0a ||
    charCode === 0x2c ||
    charCode === 0x3a ||
    charCode === 0x2d
  );
}

const isPrefixX = (charCode: number): boolean => charCode === 0x78 || charCode === 0x58;

const MAX_QUOTED_GROUP = 16;

function quoteGroup(group: string): string {
  return group.length <= MAX_QUOTED_GROUP ? group : `${group.slice(0, MAX_QUOTED_GROUP - 1)}…`;
}

/**
 * Hex digits as bytes. Groups are split by separators; a group may start with `0x`, and so may
 * each byte inside it (`0x010x02`), since `0x` can never be two digits there.
 */
export function parseHex(text: string): HexParse {
  const out = new Uint8Array(text.length >> 1);
  let length = 0;
  let groupStart = -1;
  let digits = 0;
  let high = 0;
  // A 0x seen and no digit after it yet: an empty prefix is a typo, not zero bytes.
  let prefixAt = -1;
  const emptyPrefix = (): HexParse => ({
    ok: false,
    ...textProblem('hex.emptyPrefix', { prefix: text.slice(prefixAt, prefixAt + 2), at: prefixAt }, prefixAt),
  });
  for (let i = 0; i <= text.length; i++) {
    // A virtual separator at the end closes the last group.
    const charCode = i < text.length ? text.charCodeAt(i) : 0x20;
    if (isHexSeparator(charCode)) {
      if (groupStart === -1) continue;
      if (prefixAt !== -1) return emptyPrefix();
      if (digits % 2 === 1) {
        const group = quoteGroup(text.slice(groupStart, i));
        return { ok: false, ...textProblem('hex.odd', { group, at: groupStart }, groupStart) };
      }
      groupStart = -1;
      continue;
    }
    if (groupStart === -1) {
      groupStart = i;
      digits = 0;
    }
    if (digits % 2 === 0 && charCode === 0x30 && isPrefixX(text.charCodeAt(i + 1))) {
      if (prefixAt !== -1) return emptyPrefix();
      prefixAt = i;
      i += 1;
      continue;
    }
    const value = hexDigitValue(charCode);
    if (value === -1) {
      return { ok: false, ...textProblem('hex.unexpected', { char: describeCharAt(text, i), at: i }, i) };
    }
    prefixAt = -1;
    if (digits % 2 === 0) high = value;
    else out[length++] = (high << 4) | value;
    digits += 1;
  }
  return { ok: true, bytes: length === out.length ? out : out.slice(0, length) };
}

const PAIRS = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

/** Lowercase two-digit pairs, the form parseHex reads back. */
export function formatHex(bytes: Uint8Array, separator = ' '): string {
  return Array.from(bytes, (byte) => PAIRS[byte]).join(separator);
}
