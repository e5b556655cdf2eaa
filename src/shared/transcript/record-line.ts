/**
 * One record ⇄ one line of JSON Lines. Each line ends with its own CRC-32 — the last member,
 * `"crc"`, covers every byte of the line before `,"crc":` — so a reader can tell a whole record
 * from a torn or altered one without trusting anything around it.
 */
import { decodeBase64, encodeBase64 } from '../base64';
import type { Endpoint } from '../address';
import { crc32, crc32Hex } from './crc32';
import { lineSchema, type TranscriptRecord } from './records';
import { phrase, untranslated, type Phrase } from '../phrase';
import { issuePhrase } from '../validate';

/** Faster native codecs where the platform has them (Node's Buffer, zlib.crc32). */
export interface LineCodec {
  base64(bytes: Uint8Array): string;
  crc32(bytes: Uint8Array): number;
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
  crc32: (bytes) => crc32(bytes),
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
  let crc = codec.crc32(line.subarray(0, body));
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
  return line;
}

/** A number as JSON writes it. */
const num = (value: number): string => (Number.isFinite(value) ? String(value) : 'null');
const str = (value: string): string => JSON.stringify(value);
const endpointJson = (e: Endpoint): string => `{"address":${str(e.address)},"port":${num(e.port)},"family":${str(e.family)}}`;

/**
 * A data line written out member by member around its base64 text, in the order the format
 * gives: type, seq, at, session, dir, conn, local, remote, origin, len, data. A recording writes one
 * per chunk or datagram, so this is its hot path: stringifying the whole record (base64 text
 * included) and re-encoding it cost more than the rest of recording a 64 KiB chunk, and the
 * object work around it more than the rest of recording a small datagram.
 */
function encodeDataLine(record: Extract<TranscriptRecord, { type: 'data' }>, codec: LineCodec): Uint8Array {
  const { seq, at, session, dir, conn, local, remote, origin, bytes } = record;
  const head =
    `{"type":"data","seq":${num(seq)},"at":${num(at)},"session":${str(session)},"dir":${str(dir)},` +
    `${conn === undefined ? '' : `"conn":${str(conn)},`}"local":${endpointJson(local)},"remote":${endpointJson(remote)},` +
    `${origin === undefined ? '' : `"origin":${JSON.stringify(origin)},`}"len":${bytes.byteLength},"data":"`;
  const headLength = utf8Length(head);
  const data = codec.base64(bytes);
  const body = headLength + data.length + 1;
  const line = codec.alloc(body + CRC_SUFFIX_LENGTH + 1);
  utf8.encodeInto(head, line);
  codec.putAscii(data, line, headLength);
  line[body - 1] = QUOTE;
  return seal(line, body, codec);
}

/** The line for a record, newline included, as UTF-8 bytes. */
export function encodeRecordLine(record: TranscriptRecord, codec: LineCodec = sharedCodec): Uint8Array {
  if (record.type === 'data') return encodeDataLine(record, codec);
  const { type, seq, at, session, ...rest } = record;
  const body = utf8.encode(JSON.stringify({ type, seq, at, session, ...rest }).slice(0, -1));
  const line = codec.alloc(body.length + CRC_SUFFIX_LENGTH + 1);
  line.set(body, 0);
  return seal(line, body.length, codec);
}

export type LineDecode = { ok: true; record: TranscriptRecord } | { ok: false; problem: Phrase };

const bad = (problem: Phrase): LineDecode => ({ ok: false, problem });

function hasCrcSuffix(line: Uint8Array): boolean {
  const at = line.length - CRC_SUFFIX_LENGTH;
  if (at < 1) return false;
  for (let i = 0; i < CRC_PREFIX.length; i++) if (line[at + i] !== CRC_PREFIX[i]) return false;
  return line[line.length - 2] === 0x22 && line[line.length - 1] === 0x7d;
}

/** A line without its newline back to a record, checked: CRC, JSON, schema, length of the bytes. */
export function decodeRecordLine(line: Uint8Array, codec: Pick<LineCodec, 'crc32'> = sharedCodec): LineDecode {
  if (line.length > 0 && line[line.length - 1] === 0x0d) return bad(phrase('transcript.line.cr'));
  if (!hasCrcSuffix(line)) return bad(phrase('transcript.line.noCrc', { suffix: ',"crc":"…"}' }));
  const crcAt = line.length - 10;
  const stated = String.fromCharCode(...line.subarray(crcAt, crcAt + 8));
  const actual = crc32Hex(codec.crc32(line.subarray(0, line.length - CRC_SUFFIX_LENGTH)));
  if (stated !== actual) return bad(phrase('transcript.line.crc', { stated, actual }));
  let value: unknown;
  try {
    value = JSON.parse(strictUtf8.decode(line));
  } catch {
    // The engine's own words for where JSON broke are English only; the line's number says where.
    return bad(phrase('transcript.line.json'));
  }
  const parsed = lineSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return bad(
      issue
        ? phrase('transcript.line.shape', { path: issue.path.join('.') || 'record', detail: issuePhrase(issue) })
        : phrase('transcript.line.unknownShape'),
    );
  }
  const { crc: _crc, ...wire } = parsed.data;
  if (wire.type !== 'data') return { ok: true, record: wire };
  const { data, len, ...rest } = wire;
  const bytes = decodeBase64(data);
  if (!bytes.ok) return bad(phrase('transcript.line.base64', { detail: bytes.phrase ?? untranslated(bytes.message) }));
  if (bytes.bytes.byteLength !== len)
    return bad(phrase('transcript.line.length', { len: String(len), held: String(bytes.bytes.byteLength) }));
  return { ok: true, record: { ...rest, bytes: bytes.bytes } };
}
