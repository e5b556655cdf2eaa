import { crc32 } from 'node:zlib';
import type { LineCodec } from '@shared/transcript/record-line';

/**
 * The line codec on Node's native base64 and CRC-32, several times faster than the portable
 * ones for the megabytes a busy session records, with small lines cut from Buffer's pool.
 * zlib.crc32 is in every Node the app supports (20.15 and later; package.json asks for 20.19).
 */
export const nodeLineCodec: LineCodec = {
  base64: (bytes) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64'),
  // No bytes over no memory at all (new Uint8Array(0)) reach zlib as a null pointer, for which
  // zlib's crc32 gives 0 whatever the initial value; an empty datagram's record must keep the line's.
  crc32: (bytes, initial) => (bytes.byteLength === 0 ? (initial ?? 0) : crc32(bytes, initial)),
  alloc: (size) => Buffer.allocUnsafe(size),
  // Latin-1 copies a string's bytes as they are, where TextEncoder checks and encodes UTF-8: 8× faster on base64.
  putAscii: (text, into, at) => void Buffer.from(into.buffer, into.byteOffset, into.byteLength).write(text, at, 'latin1'),
};
