/**
 * One record ⇄ one line. Each line ends with its own CRC-32 — the last member, `"crc"`, covers
 * every byte of the line before `,"crc":` — so a reader can tell a whole record from a torn or
 * altered one without trusting anything around it. A raw data record (version 3) is its line
 * followed by its bytes as they are and a newline; its CRC goes on over those bytes.
 */
import { decodeBase64, encodeBase64 } from '../base64';
import type { Endpoint } from '../address';
import { crc32, crc32Hex } from './crc32';
import { lineSchema, type DataRecord, type TranscriptRecord } from './records';
import { phrase, untranslated, type Phrase } from '../phrase';
import { issuePhrase } from '../validate';

/** Faster native codecs where the platform has them (Node's Buffer, zlib.crc32). */
export interface LineCodec {
  base64(bytes: Uint8Array): string;
  /** With `initial`, the CRC of the bytes before these, continued over them. */
  crc32(bytes: Uint8Array, initial?: number): number;
  /**
   * Room for one line, every byte of which will be written. Node's Buffer hands small ones out
   * of a shared pool, where a new Uint8Array is a new ArrayBuffer for the collector to track.
   */
  alloc(size: number): Uint8Array;
  /** Write base64 text (ASCII) into `into` at `at`; there is room for all of it. */
  putAscii(text: string, into: Uint8Array, at: number): void;
}

const utf8 = new TextEncoder();

const sharedCodec: LineCodec = {
  base64: encodeBase64,
  crc32: (bytes, initial) => crc32(bytes, initial),
  alloc: (size) => new Uint8Array(size),
  putAscii: (text, into, at) => void utf8.encodeInto(text, into.subarray(at, at + text.length)),
};

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

const CRC_PREFIX = utf8.encode(',"crc":"');
/** `,"crc":"` + 8 hex digits + `"}` */
const CRC_SUFFIX_LENGTH = CRC_PREFIX.length + 8 + 2;
const NEWLINE = 0x0a;
const QUOTE = 0x22;
const CLOSE_BRACE = 0x7d;

/** Bytes of `text` in UTF-8 (JSON text has no lone surrogates; were one there, it would be 3 like its U+FFFD). */
function utf8Length(text: string): number {
  let length = text.length;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) continue;
    if (unit < 0x800) length += 1;
    else if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      length += 2;
      i += 1;
    } else length += 2;
  }
  return length;
}

const HEX_DIGITS = utf8.encode('0123456789abcdef');

/** `line` ends in its checksum and a newline; `body` bytes before them are already in place. */
function seal(line: Uint8Array, body: number, codec: LineCodec): Uint8Array {
  putCrc(line, body, codec.crc32(line.subarray(0, body)));
  return line;
}

/** `,"crc":"` + `crc` as 8 hex digits + `"}` + newline, at `body`. */
function putCrc(line: Uint8Array, body: number, crc: number): void {
  line.set(CRC_PREFIX, body);
  // The 8 hex digits written straight in, as crc32Hex spells them.
  const digits = body + CRC_PREFIX.length;
  for (let i = 7; i >= 0; i--) {
    line[digits + i] = HEX_DIGITS[crc & 0xf]!;
    crc >>>= 4;
  }
  line[digits + 8] = QUOTE;
  line[digits + 9] = CLOSE_BRACE;
  line[digits + 10] = NEWLINE;
}

/** A number as JSON writes it. */
const num = (value: number): string => (Number.isFinite(value) ? String(value) : 'null');
const str = (value: string): string => JSON.stringify(value);
const endpointJson = (e: Endpoint): string => `{"address":${str(e.address)},"port":${num(e.port)},"family":${str(e.family)}}`;

/**
 * A data line written out member by member, in the order the format gives: type, seq, at,
 * session, dir, conn, local, remote, origin, len, then data or raw. A recording writes one per
 * chunk or datagram, so this is its hot path: stringifying the whole record (base64 text
 * included) and re-encoding it cost more than the rest of recording a 64 KiB chunk, and the
 * object work around it more than the rest of recording a small datagram.
 */
function dataHead(record: DataRecord): string {
  const { seq, at, session, dir, conn, local, remote, origin, bytes } = record;
  return (
    `{"type":"data","seq":${num(seq)},"at":${num(at)},"session":${str(session)},"dir":${str(dir)},` +
    `${conn === undefined ? '' : `"conn":${str(conn)},`}"local":${endpointJson(local)},"remote":${endpointJson(remote)},` +
    `${origin === undefined ? '' : `"origin":${JSON.stringify(origin)},`}"len":${bytes.byteLength}`
  );
}

/** Version 2: the bytes as base64 text in the line. */
function encodeDataLine(record: DataRecord, codec: LineCodec): Uint8Array {
  const head = `${dataHead(record)},"data":"`;
  const headLength = utf8Length(head);
  const data = codec.base64(record.bytes);
  const body = headLength + data.length + 1;
  const line = codec.alloc(body + CRC_SUFFIX_LENGTH + 1);
  utf8.encodeInto(head, line);
  codec.putAscii(data, line, headLength);
  line[body - 1] = QUOTE;
  return seal(line, body, codec);
}

/**
 * Version 3: the line, then the bytes as they are and a newline, the CRC going on over the
 * bytes. A third smaller than base64 and no encoding: a busy recording is bound by the disk.
 */
function encodeRawDataRecord(record: DataRecord, codec: LineCodec): Uint8Array {
  const { bytes } = record;
  const head = `${dataHead(record)},"raw":true`;
  const body = utf8Length(head);
  const lineEnd = body + CRC_SUFFIX_LENGTH + 1;
  const out = codec.alloc(lineEnd + bytes.byteLength + 1);
  utf8.encodeInto(head, out);
  putCrc(out, body, codec.crc32(bytes, codec.crc32(out.subarray(0, body))));
  out.set(bytes, lineEnd);
  out[out.length - 1] = NEWLINE;
  return out;
}

export interface EncodeOptions {
  /** Data records in version 3's layout, their bytes raw after the line; else as base64 text (versions 1 and 2). */
  raw?: boolean;
}

/**
 * The bytes of a record as UTF-8 text, newline included: one JSON line, or (`raw` data records)
 * the line, the bytes and a newline.
 */
export function encodeRecordLine(record: TranscriptRecord, codec: LineCodec = sharedCodec, options: EncodeOptions = {}): Uint8Array {
  if (record.type === 'data') return options.raw ? encodeRawDataRecord(record, codec) : encodeDataLine(record, codec);
  const { type, seq, at, session, ...rest } = record;
  const body = utf8.encode(JSON.stringify({ type, seq, at, session, ...rest }).slice(0, -1));
  const line = codec.alloc(body.length + CRC_SUFFIX_LENGTH + 1);
  line.set(body, 0);
  return seal(line, body.length, codec);
}

export type LineDecode = { ok: true; record: TranscriptRecord } | { ok: false; problem: Phrase };

/** A raw data record's line, read: its bytes follow it, and its checksum is not known to hold until they are read. */
export interface RawDataHead {
  record: Omit<DataRecord, 'bytes'>;
  /** How many bytes follow the line (then a newline). */
  len: number;
  /** The CRC of the line before `,"crc":"`, to go on over the bytes. */
  crc: number;
  /** The checksum the line states. */
  stated: string;
}

export type HeadDecode = LineDecode | { ok: 'raw'; head: RawDataHead };

const bad = (problem: Phrase): LineDecode => ({ ok: false, problem });

function hasCrcSuffix(line: Uint8Array): boolean {
  const at = line.length - CRC_SUFFIX_LENGTH;
  if (at < 1) return false;
  for (let i = 0; i < CRC_PREFIX.length; i++) if (line[at + i] !== CRC_PREFIX[i]) return false;
  return line[line.length - 2] === 0x22 && line[line.length - 1] === 0x7d;
}

/**
 * A line without its newline back to a record, checked: CRC, JSON, schema, length of the bytes;
 * or, for a raw data record, its line read and the CRC so far, to be finished by
 * `finishRawRecord` over the bytes that follow.
 */
export function decodeRecordHead(line: Uint8Array, codec: Pick<LineCodec, 'crc32'> = sharedCodec): HeadDecode {
  if (line.length > 0 && line[line.length - 1] === 0x0d) return bad(phrase('transcript.line.cr'));
  if (!hasCrcSuffix(line)) return bad(phrase('transcript.line.noCrc', { suffix: ',"crc":"…"}' }));
  const crcAt = line.length - 10;
  const stated = String.fromCharCode(...line.subarray(crcAt, crcAt + 8));
  const crc = codec.crc32(line.subarray(0, line.length - CRC_SUFFIX_LENGTH));
  const actual = crc32Hex(crc);
  // A raw record's CRC goes on over its bytes, so a mismatch here is only damage if the line is not one.
  const crcProblem = (): LineDecode => bad(phrase('transcript.line.crc', { stated, actual }));
  const holds = stated === actual;
  let value: unknown;
  try {
    value = JSON.parse(strictUtf8.decode(line));
  } catch {
    // The engine's own words for where JSON broke are English only; the line's number says where.
    return holds ? bad(phrase('transcript.line.json')) : crcProblem();
  }
  const parsed = lineSchema.safeParse(value);
  if (!parsed.success) {
    if (!holds) return crcProblem();
    const issue = parsed.error.issues[0];
    return bad(
      issue
        ? phrase('transcript.line.shape', { path: issue.path.join('.') || 'record', detail: issuePhrase(issue) })
        : phrase('transcript.line.unknownShape'),
    );
  }
  const { crc: _crc, ...wire } = parsed.data;
  if (wire.type === 'data' && wire.raw) {
    if (wire.data !== undefined) return bad(phrase('transcript.line.rawAndData'));
    const { raw: _raw, len, ...record } = wire;
    return { ok: 'raw', head: { record, len, crc, stated } };
  }
  if (!holds) return crcProblem();
  if (wire.type !== 'data') return { ok: true, record: wire };
  const { data, len, raw: _raw, ...rest } = wire;
  if (data === undefined) return bad(phrase('transcript.line.noData'));
  const bytes = decodeBase64(data);
  if (!bytes.ok) return bad(phrase('transcript.line.base64', { detail: bytes.phrase ?? untranslated(bytes.message) }));
  if (bytes.bytes.byteLength !== len)
    return bad(phrase('transcript.line.length', { len: String(len), held: String(bytes.bytes.byteLength) }));
  return { ok: true, record: { ...rest, bytes: bytes.bytes } };
}

/** A raw data record whole: its line's head and the `len` bytes that followed it, checked against the stated CRC. */
export function finishRawRecord(head: RawDataHead, bytes: Uint8Array, codec: Pick<LineCodec, 'crc32'> = sharedCodec): LineDecode {
  const actual = crc32Hex(codec.crc32(bytes, head.crc));
  if (actual !== head.stated) return bad(phrase('transcript.line.crc', { stated: head.stated, actual }));
  return { ok: true, record: { ...head.record, bytes } };
}

/** A whole line back to a record; a raw data record's line is refused, its bytes being after it. */
export function decodeRecordLine(line: Uint8Array, codec: Pick<LineCodec, 'crc32'> = sharedCodec): LineDecode {
  const decoded = decodeRecordHead(line, codec);
  return decoded.ok === 'raw' ? bad(phrase('transcript.line.rawHere')) : decoded;
}
