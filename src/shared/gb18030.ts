/**
 * GBK and GB18030 without shipping their tables: the runtime's own TextDecoder (WHATWG
 * "gb18030", which browsers and Node with full ICU provide) is asked once for every 2-byte
 * code, and once more for the 4-byte BMP codes, and the answers are kept as lookup tables in
 * both directions. Encoding therefore agrees byte for byte with what the same runtime decodes,
 * whichever edition of GB18030 (2005 or 2022) its ICU follows.
 *
 * Codes are "pointers" as in the WHATWG Encoding Standard: a 2-byte code is its position among
 * the 126 × 190 lead/trail pairs; a 4-byte code is its position among 126 × 10 × 126 × 10.
 */

const LEAD_MIN = 0x81;
const LEAD_MAX = 0xfe;
const TRAILS_PER_LEAD = 190;
const TWO_BYTE_CODES = (LEAD_MAX - LEAD_MIN + 1) * TRAILS_PER_LEAD;
/** 4-byte pointers 0–39419 cover the BMP; 189000 onwards the supplementary planes, linearly. */
const FOUR_BYTE_BMP_CODES = 39_420;
const FOUR_BYTE_SUPPLEMENTARY_START = 189_000;
const FOUR_BYTE_MAX = FOUR_BYTE_SUPPLEMENTARY_START + 0x10ffff - 0x10000;
const EURO = 0x20ac;
/** GBK's one single-byte extension: 0x80 is the euro sign (WHATWG's gbk encoder). */
const GBK_EURO_BYTE = 0x80;

interface GbTable {
  /** Pointer → UTF-16 code unit the decoder gives for it; 0 when it gives no one character. */
  units: Uint16Array;
  /** UTF-16 code unit → the first pointer that decodes to it, plus one; 0 when none does. */
  pointerOf: Uint16Array;
}

/** The bytes of every pointer from 0 to count − 1, back to back. */
function allCodes(count: number, width: 2 | 4, write: (out: Uint8Array, at: number, pointer: number) => void): Uint8Array {
  const out = new Uint8Array(count * width);
  for (let pointer = 0; pointer < count; pointer++) write(out, pointer * width, pointer);
  return out;
}

function writeTwoByte(out: Uint8Array, at: number, pointer: number): void {
  const trail = pointer % TRAILS_PER_LEAD;
  out[at] = LEAD_MIN + Math.floor(pointer / TRAILS_PER_LEAD);
  // Trails run 0x40–0x7e then 0x80–0xfe: 0x7f (DEL) is never a trail.
  out[at + 1] = trail + (trail < 0x3f ? 0x40 : 0x41);
}

function writeFourByte(out: Uint8Array, at: number, pointer: number): void {
  let rest = pointer;
  out[at] = LEAD_MIN + Math.floor(rest / 12_600);
  rest %= 12_600;
  out[at + 1] = 0x30 + Math.floor(rest / 1_260);
  rest %= 1_260;
  out[at + 2] = 0x81 + Math.floor(rest / 10);
  out[at + 3] = 0x30 + (rest % 10);
}

/** What we use of a decoder; Node's and the DOM's TextDecoder types differ, this fits both. */
interface BytesDecoder {
  decode(input?: Uint8Array, options?: { stream?: boolean }): string;
}

let decoder: BytesDecoder | undefined;

/** The shared GB18030 decoder; WHATWG makes "gbk" the same decoder, so one serves both. */
export function gbDecoder(): BytesDecoder {
  decoder ??= new TextDecoder('gb18030', { ignoreBOM: true });
  return decoder;
}

/**
 * One decode of all the codes at once. Every pointer in these ranges decodes to exactly one
 * BMP code unit in a conforming decoder; a decoder that yields another length for some code
 * would misalign the bulk answer, so then each code is asked on its own, strictly, and a code
 * that gives no single character is left as 0 (no multi-byte code stands for U+0000).
 */
function buildTable(bytes: Uint8Array, width: 2 | 4, count: number): GbTable {
  const whole = gbDecoder().decode(bytes);
  const units = new Uint16Array(count);
  if (whole.length === count) {
    for (let pointer = 0; pointer < count; pointer++) units[pointer] = whole.charCodeAt(pointer);
  } else {
    const strict = new TextDecoder('gb18030', { fatal: true, ignoreBOM: true });
    for (let pointer = 0; pointer < count; pointer++) {
      let one = '';
      try {
        one = strict.decode(bytes.subarray(pointer * width, pointer * width + width));
      } catch {
        // Unmapped in this runtime: stays 0.
      }
      if (one.length === 1) units[pointer] = one.charCodeAt(0);
    }
  }
  const pointerOf = new Uint16Array(0x10000);
  for (let pointer = 0; pointer < count; pointer++) {
    const unit = units[pointer];
    // The encoder takes the first pointer for a code unit, as the WHATWG index lookup does.
    if (unit !== 0 && pointerOf[unit] === 0) pointerOf[unit] = pointer + 1;
  }
  return { units, pointerOf };
}

let twoByte: GbTable | undefined;
let fourByte: GbTable | undefined;

/** The 2-byte table (GBK's and GB18030's), built on first use. */
function twoByteTable(): GbTable {
  twoByte ??= buildTable(allCodes(TWO_BYTE_CODES, 2, writeTwoByte), 2, TWO_BYTE_CODES);
  return twoByte;
}

/** GB18030's 4-byte codes for the BMP, built the first time one is needed. */
function fourByteTable(): GbTable {
  fourByte ??= buildTable(allCodes(FOUR_BYTE_BMP_CODES, 4, writeFourByte), 4, FOUR_BYTE_BMP_CODES);
  return fourByte;
}

// A code is one number so that encoding long texts allocates nothing per character: 2-byte
// pointers as they are, 4-byte pointers above FOUR_BYTE_TAG, GBK's euro byte above SINGLE_TAG.
const FOUR_BYTE_TAG = 0x200000;
const SINGLE_TAG = 0x400000;
export const NO_GB_CODE = -1;

/**
 * Where `codePoint` goes in GB18030 (or GBK when `gbk`), as a code for writeGbCode, or
 * NO_GB_CODE when it has none there.
 */
export function gbCodeOf(codePoint: number, gbk: boolean): number {
  if (gbk && codePoint === EURO) return SINGLE_TAG + GBK_EURO_BYTE;
  if (codePoint < 0x10000) {
    const two = twoByteTable().pointerOf[codePoint];
    if (two !== 0) return two - 1;
    if (gbk) return NO_GB_CODE;
    const four = fourByteTable().pointerOf[codePoint];
    return four === 0 ? NO_GB_CODE : FOUR_BYTE_TAG + four - 1;
  }
  return gbk ? NO_GB_CODE : FOUR_BYTE_TAG + FOUR_BYTE_SUPPLEMENTARY_START + codePoint - 0x10000;
}

/** Writes a code's bytes (up to four) at `at` in `out` and answers how many it wrote. */
export function writeGbCode(out: Uint8Array, at: number, code: number): number {
  if (code >= SINGLE_TAG) {
    out[at] = code - SINGLE_TAG;
    return 1;
  }
  if (code >= FOUR_BYTE_TAG) {
    writeFourByte(out, at, code - FOUR_BYTE_TAG);
    return 4;
  }
  writeTwoByte(out, at, code);
  return 2;
}

const isLead = (byte: number): boolean => byte >= LEAD_MIN && byte <= LEAD_MAX;
const isDigit = (byte: number): boolean => byte >= 0x30 && byte <= 0x39;

/**
 * The character of the GBK or GB18030 sequence at `start` (a byte ≥ 0x80) and its length, only
 * when encoding that character gives back exactly these bytes; else undefined, so that a
 * caller spells the lead byte out and goes on at the next one.
 */
export function gbSequenceAt(bytes: Uint8Array, start: number, gbk: boolean): { codePoint: number; length: number } | undefined {
  const lead = bytes[start];
  if (lead === GBK_EURO_BYTE) return gbk ? { codePoint: EURO, length: 1 } : undefined;
  if (!isLead(lead) || start + 1 >= bytes.length) return undefined;
  const second = bytes[start + 1];
  if (isDigit(second)) {
    if (gbk || start + 3 >= bytes.length || !isLead(bytes[start + 2]) || !isDigit(bytes[start + 3])) return undefined;
    const pointer = (lead - LEAD_MIN) * 12_600 + (second - 0x30) * 1_260 + (bytes[start + 2] - 0x81) * 10 + (bytes[start + 3] - 0x30);
    let codePoint: number;
    if (pointer < FOUR_BYTE_BMP_CODES) codePoint = fourByteTable().units[pointer];
    else if (pointer >= FOUR_BYTE_SUPPLEMENTARY_START && pointer <= FOUR_BYTE_MAX)
      codePoint = 0x10000 + pointer - FOUR_BYTE_SUPPLEMENTARY_START;
    else return undefined;
    return gbCodeOf(codePoint, false) === FOUR_BYTE_TAG + pointer ? { codePoint, length: 4 } : undefined;
  }
  if (second < 0x40 || second === 0x7f || second === 0xff) return undefined;
  const pointer = (lead - LEAD_MIN) * TRAILS_PER_LEAD + second - (second < 0x7f ? 0x40 : 0x41);
  const codePoint = twoByteTable().units[pointer];
  return gbCodeOf(codePoint, gbk) === pointer ? { codePoint, length: 2 } : undefined;
}
