import { formatHexDump } from '@shared/hex-dump';
import { formatHex } from '@shared/hex';
import { toEscapedText } from '@shared/visible-text';
import type { TextEncodingName } from '@shared/contract';
import { formatClock } from '../format';
import { MAX_ROW_PREVIEW_BYTES } from '../limits';
import { sourceOf, type LogItem } from './log-items';

export interface Preview {
  bytes: Uint8Array;
  /** Bytes of the entry beyond the preview, counted but not drawn. */
  hidden: number;
}

export function previewOf(bytes: Uint8Array): Preview {
  if (bytes.byteLength <= MAX_ROW_PREVIEW_BYTES) return { bytes, hidden: 0 };
  return { bytes: bytes.subarray(0, MAX_ROW_PREVIEW_BYTES), hidden: bytes.byteLength - MAX_ROW_PREVIEW_BYTES };
}

export function payloadText(bytes: Uint8Array, encoding: TextEncodingName): string {
  return toEscapedText(bytes, encoding);
}

/** `hexdump -C` lines; the offset column is what lets a reader find byte 0x1f0 of a chunk. */
export function payloadHexDump(bytes: Uint8Array): string {
  return formatHexDump(bytes);
}

/** Hex as the composer reads it back, so a copied entry can be pasted and sent again. */
export function payloadHex(bytes: Uint8Array): string {
  return formatHex(bytes);
}

/** "+12.345 ms" after the previous row; seconds once milliseconds get too many to read. */
export function formatDelta(ms: number): string {
  const sign = ms < 0 ? '−' : '+';
  const size = Math.abs(ms);
  return size < 1000 ? `${sign}${size.toFixed(3)} ms` : `${sign}${(size / 1000).toFixed(3)} s`;
}

/** A payload name a person recognises later: "c1 rx 12:01:02". */
export function defaultPayloadName(item: LogItem): string {
  const source = sourceOf(item);
  return `${source === '' ? '' : `${source} `}${item.dir} ${formatClock(item.at).slice(0, 8)}`;
}
