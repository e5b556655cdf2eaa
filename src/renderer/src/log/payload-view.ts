import { hexDumpRows } from '../../../shared/hex-dump';
import { toEscapedText } from '../../../shared/visible-text';
import type { TextEncodingName } from '../../../shared/contract';
import { MAX_ROW_PREVIEW_BYTES } from '../limits';

/** Until the log gets an encoding picker, rows decode as UTF-8, the common case on the wire. */
export const LOG_TEXT_ENCODING: TextEncodingName = 'utf-8';

export interface Preview {
  bytes: Uint8Array;
  /** Bytes of the entry beyond the preview, counted but not drawn. */
  hidden: number;
}

export function previewOf(bytes: Uint8Array): Preview {
  if (bytes.byteLength <= MAX_ROW_PREVIEW_BYTES) return { bytes, hidden: 0 };
  return { bytes: bytes.subarray(0, MAX_ROW_PREVIEW_BYTES), hidden: bytes.byteLength - MAX_ROW_PREVIEW_BYTES };
}

export function payloadText(bytes: Uint8Array): string {
  return toEscapedText(bytes, LOG_TEXT_ENCODING);
}

/** `hexdump -C` lines; the offset column is what lets a reader find byte 0x1f0 of a chunk. */
export function payloadHexDump(bytes: Uint8Array): string {
  return hexDumpRows(bytes)
    .map((row) => `${row.offset.toString(16).padStart(8, '0')}  ${row.hex}  |${row.ascii}|`)
    .join('\n');
}
