/**
 * One record ⇄ one line of JSON Lines. Each line ends with its own CRC-32 — the last member,
 * `"crc"`, covers every byte of the line before `,"crc":` — so a reader can tell a whole record
 * from a torn or altered one without trusting anything around it.
 */
import { decodeBase64, encodeBase64 } from '../base64';
import { crc32, crc32Hex } from './crc32';
import { lineSchema, type TranscriptRecord } from './records';

/** Faster native codecs where the platform has them (Node's Buffer, zlib.crc32). */
export interface LineCodec {
  base64(bytes: Uint8Array): string;
  crc32(bytes: Uint8Array): number;
}

const sharedCodec: LineCodec = { base64: encodeBase64, crc32: (bytes) => crc32(bytes) };

const utf8 = new TextEncoder();
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

const CRC_PREFIX = utf8.encode(',"crc":"');
/** `,"crc":"` + 8 hex digits + `"}` */
const CRC_SUFFIX_LENGTH = CRC_PREFIX.length + 8 + 2;
const NEWLINE = 0x0a;

/** The record's members in a fixed order, bytes as base64 with their length. */
function wireForm(record: TranscriptRecord, codec: LineCodec): Record<string, unknown> {
  if (record.type !== 'data') return { ...record };
  const { bytes, ...rest } = record;
  return { ...rest, len: bytes.byteLength, data: codec.base64(bytes) };
}

/** The line for a record, newline included, as UTF-8 bytes. */
export function encodeRecordLine(record: TranscriptRecord, codec: LineCodec = sharedCodec): Uint8Array {
  const { type, seq, at, session, ...rest } = wireForm(record, codec);
  const json = JSON.stringify({ type, seq, at, session, ...rest });
  const body = utf8.encode(json.slice(0, -1));
  const crc = crc32Hex(codec.crc32(body));
  const line = new Uint8Array(body.length + CRC_SUFFIX_LENGTH + 1);
  line.set(body, 0);
  line.set(CRC_PREFIX, body.length);
  line.set(utf8.encode(`${crc}"}`), body.length + CRC_PREFIX.length);
  line[line.length - 1] = NEWLINE;
  return line;
}

export type LineDecode = { ok: true; record: TranscriptRecord } | { ok: false; problem: string };

const bad = (problem: string): LineDecode => ({ ok: false, problem });

function hasCrcSuffix(line: Uint8Array): boolean {
  const at = line.length - CRC_SUFFIX_LENGTH;
  if (at < 1) return false;
  for (let i = 0; i < CRC_PREFIX.length; i++) if (line[at + i] !== CRC_PREFIX[i]) return false;
  return line[line.length - 2] === 0x22 && line[line.length - 1] === 0x7d;
}

/** A line without its newline back to a record, checked: CRC, JSON, schema, length of the bytes. */
export function decodeRecordLine(line: Uint8Array, codec: Pick<LineCodec, 'crc32'> = sharedCodec): LineDecode {
  if (line.length > 0 && line[line.length - 1] === 0x0d) return bad('the line ends in a carriage return (the file was converted to CRLF line ends)');
  if (!hasCrcSuffix(line)) return bad('the line does not end with its checksum (,"crc":"…"})');
  const crcAt = line.length - 10;
  const stated = String.fromCharCode(...line.subarray(crcAt, crcAt + 8));
  const actual = crc32Hex(codec.crc32(line.subarray(0, line.length - CRC_SUFFIX_LENGTH)));
  if (stated !== actual) return bad(`checksum mismatch (the line says ${stated}, its bytes give ${actual})`);
  let value: unknown;
  try {
    value = JSON.parse(strictUtf8.decode(line));
  } catch (err) {
    return bad(`not JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  const parsed = lineSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return bad(`not a transcript record: ${issue ? `${issue.path.join('.') || 'record'}: ${issue.message}` : 'unknown shape'}`);
  }
  const { crc: _crc, ...wire } = parsed.data;
  if (wire.type !== 'data') return { ok: true, record: wire };
  const { data, len, ...rest } = wire;
  const bytes = decodeBase64(data);
  if (!bytes.ok) return bad(`the bytes are not base64: ${bytes.message}`);
  if (bytes.bytes.byteLength !== len) return bad(`the record says ${len} bytes but holds ${bytes.bytes.byteLength}`);
  return { ok: true, record: { ...rest, bytes: bytes.bytes } };
}
