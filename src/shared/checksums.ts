/**
 * The check values device protocols append to a message, computed over a chosen byte range and
 * written in a chosen byte order. The CRCs follow the parameter model of Ross Williams' "Painless
 * Guide" (width, poly, init, refin, refout, xorout), the one the CRC catalogue (reveng) names them
 * by, so each can be checked against the catalogue's value for "123456789".
 */

export const CHECKSUM_ALGORITHMS = ['crc8', 'crc16-modbus', 'crc16-ccitt-false', 'crc16-xmodem', 'crc32', 'xor', 'sum8', 'lrc'] as const;
export type ChecksumAlgorithm = (typeof CHECKSUM_ALGORITHMS)[number];

export type ByteOrder = 'big' | 'little';

export interface ChecksumSpec {
  algorithm: ChecksumAlgorithm;
  /** The order the value's bytes travel in; Modbus RTU sends its CRC low byte first. */
  order: ByteOrder;
  /** First byte covered. Negative counts from the end, as in a Python slice. */
  from: number;
  /** One past the last byte covered; 0 or absent means "to the end". Negative counts from the end. */
  to?: number;
}

interface CrcModel {
  width: 8 | 16 | 32;
  poly: number;
  init: number;
  reflected: boolean;
  xorout: number;
}

/** Catalogue names: CRC-8/SMBUS, CRC-16/MODBUS, CRC-16/IBM-3740, CRC-16/XMODEM, CRC-32/ISO-HDLC. */
const CRC_MODELS: Readonly<Partial<Record<ChecksumAlgorithm, CrcModel>>> = {
  crc8: { width: 8, poly: 0x07, init: 0x00, reflected: false, xorout: 0x00 },
  'crc16-modbus': { width: 16, poly: 0x8005, init: 0xffff, reflected: true, xorout: 0x0000 },
  'crc16-ccitt-false': { width: 16, poly: 0x1021, init: 0xffff, reflected: false, xorout: 0x0000 },
  'crc16-xmodem': { width: 16, poly: 0x1021, init: 0x0000, reflected: false, xorout: 0x0000 },
  crc32: { width: 32, poly: 0x04c11db7, init: 0xffffffff, reflected: true, xorout: 0xffffffff },
};

export const CHECKSUM_WIDTH_BYTES: Readonly<Record<ChecksumAlgorithm, 1 | 2 | 4>> = {
  crc8: 1,
  'crc16-modbus': 2,
  'crc16-ccitt-false': 2,
  'crc16-xmodem': 2,
  crc32: 4,
  xor: 1,
  sum8: 1,
  lrc: 1,
};

/** The order each algorithm's usual protocol writes it in, offered as the default. */
export function defaultByteOrder(algorithm: ChecksumAlgorithm): ByteOrder {
  return algorithm === 'crc16-modbus' ? 'little' : 'big';
}

function reflectBits(value: number, width: number): number {
  let out = 0;
  for (let i = 0; i < width; i++) if (value & (2 ** i)) out += 2 ** (width - 1 - i);
  return out;
}

const tables = new Map<CrcModel, Uint32Array>();

/**
 * A reflected model runs the right-shifting loop with the reflected polynomial, which is the same
 * CRC as reflecting every input byte and the result; a normal one runs the left-shifting loop with
 * the register's top byte. Tables make either one byte per step.
 */
function tableFor(model: CrcModel): Uint32Array {
  let table = tables.get(model);
  if (table) return table;
  table = new Uint32Array(256);
  const mask = model.width === 32 ? 0xffffffff : (1 << model.width) - 1;
  const top = 2 ** (model.width - 1);
  const rpoly = reflectBits(model.poly, model.width);
  for (let n = 0; n < 256; n++) {
    let c: number;
    if (model.reflected) {
      c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ rpoly : c >>> 1;
    } else {
      c = n * 2 ** (model.width - 8);
      for (let k = 0; k < 8; k++) c = c >= top ? (((c - top) * 2) ^ model.poly) >>> 0 : c * 2;
    }
    table[n] = (c & mask) >>> 0;
  }
  tables.set(model, table);
  return table;
}

function crc(model: CrcModel, bytes: Uint8Array, start: number, end: number): number {
  const table = tableFor(model);
  let reg = model.init >>> 0;
  if (model.reflected) {
    for (let i = start; i < end; i++) reg = (table[(reg ^ bytes[i]!) & 0xff]! ^ (reg >>> 8)) >>> 0;
  } else {
    const shift = model.width - 8;
    const mask = model.width === 32 ? 0xffffffff : (1 << model.width) - 1;
    for (let i = start; i < end; i++) {
      reg = (table[((reg >>> shift) ^ bytes[i]!) & 0xff]! ^ ((reg << 8) & mask)) >>> 0;
    }
  }
  return (reg ^ model.xorout) >>> 0;
}

/** The check value of bytes[start, end) as an unsigned number of the algorithm's width. */
export function computeChecksum(algorithm: ChecksumAlgorithm, bytes: Uint8Array, start = 0, end = bytes.length): number {
  const model = CRC_MODELS[algorithm];
  if (model) return crc(model, bytes, start, end);
  let acc = 0;
  if (algorithm === 'xor') {
    for (let i = start; i < end; i++) acc ^= bytes[i]!;
    return acc;
  }
  for (let i = start; i < end; i++) acc = (acc + bytes[i]!) & 0xff;
  // LRC (Modbus ASCII's): the two's complement of the byte sum, so sum + LRC is 0 mod 256.
  return algorithm === 'lrc' ? (0x100 - acc) & 0xff : acc;
}

export function checksumToBytes(algorithm: ChecksumAlgorithm, value: number, order: ByteOrder): Uint8Array {
  const width = CHECKSUM_WIDTH_BYTES[algorithm];
  const out = new Uint8Array(width);
  for (let i = 0; i < width; i++) {
    const byte = Math.floor(value / 2 ** (8 * i)) & 0xff;
    out[order === 'little' ? i : width - 1 - i] = byte;
  }
  return out;
}

function checksumFromBytes(bytes: Uint8Array, order: ByteOrder): number {
  let value = 0;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[order === 'little' ? bytes.length - 1 - i : i]!;
    value = value * 256 + byte;
  }
  return value;
}

/** Where a slice bound lands in a body of `length` bytes, or undefined when it falls outside. */
function resolveBound(bound: number, length: number): number | undefined {
  const at = bound < 0 ? length + bound : bound;
  return at < 0 || at > length ? undefined : at;
}

export type RangeProblem = { kind: 'range'; from: number; to: number; length: number };

/** The covered range of a body, or why the spec's range does not fit in it. */
export function coveredRange(spec: ChecksumSpec, length: number): { start: number; end: number } | RangeProblem {
  const start = resolveBound(spec.from, length);
  const end = spec.to === undefined || spec.to === 0 ? length : resolveBound(spec.to, length);
  if (start === undefined || end === undefined || start > end) {
    return { kind: 'range', from: spec.from, to: spec.to ?? 0, length };
  }
  return { start, end };
}

/** The payload followed by its check value, or the reason the range does not fit the payload. */
export function appendChecksum(spec: ChecksumSpec, payload: Uint8Array): { bytes: Uint8Array } | RangeProblem {
  const range = coveredRange(spec, payload.length);
  if ('kind' in range) return range;
  const value = computeChecksum(spec.algorithm, payload, range.start, range.end);
  const tail = checksumToBytes(spec.algorithm, value, spec.order);
  const bytes = new Uint8Array(payload.length + tail.length);
  bytes.set(payload);
  bytes.set(tail, payload.length);
  return { bytes };
}

/** The fewest body bytes the spec's range fits in. */
function shortestBody(spec: ChecksumSpec): number {
  const limit = Math.abs(spec.from) + Math.abs(spec.to ?? 0);
  for (let length = 0; length < limit; length++) if (!('kind' in coveredRange(spec, length))) return length;
  return limit;
}

export type ChecksumVerdict =
  | { verdict: 'ok'; value: number }
  | { verdict: 'bad'; expected: number; received: number }
  | { verdict: 'short'; length: number; needed: number };

/**
 * A received message is its body followed by the check value; the range is taken within the body,
 * as it was when the sender appended the value.
 */
export function verifyChecksum(spec: ChecksumSpec, message: Uint8Array): ChecksumVerdict {
  const width = CHECKSUM_WIDTH_BYTES[spec.algorithm];
  const bodyLength = message.length - width;
  const range = bodyLength < 0 ? undefined : coveredRange(spec, bodyLength);
  if (range === undefined || 'kind' in range) return { verdict: 'short', length: message.length, needed: width + shortestBody(spec) };
  const expected = computeChecksum(spec.algorithm, message, range.start, range.end);
  const received = checksumFromBytes(message.subarray(bodyLength), spec.order);
  return expected === received ? { verdict: 'ok', value: expected } : { verdict: 'bad', expected, received };
}

/** A value as the hex digits of its width, the way protocol documents print it: 0x4B37 → "4B37". */
export function formatChecksum(algorithm: ChecksumAlgorithm, value: number): string {
  return value
    .toString(16)
    .toUpperCase()
    .padStart(CHECKSUM_WIDTH_BYTES[algorithm] * 2, '0');
}
