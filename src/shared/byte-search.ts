/**
 * Finding what a user typed in received bytes. The query becomes bytes first (text in the
 * log's encoding, or hex), and the search runs on bytes: decoding every entry to search it
 * would cost far more and would miss matches that straddle a malformed sequence.
 */
import type { TextEncodingName } from './contract';
import { parseHex } from './hex';
import { encodeText } from './text-encoding';

export type ByteQueryInput =
  { kind: 'text'; value: string; encoding: TextEncodingName; ignoreCase: boolean } | { kind: 'hex'; value: string };

export interface ByteQuery {
  needle: Uint8Array;
  /** ASCII letters match in either case. */
  ignoreCase: boolean;
}

export type ByteQueryResult = { ok: true; query: ByteQuery | undefined } | { ok: false; message: string; index: number };

const lowerAscii = (byte: number): number => (byte >= 0x41 && byte <= 0x5a ? byte + 0x20 : byte);

/** The query as bytes; `query` is undefined for an empty query, which matches everything. */
export function compileByteQuery(input: ByteQueryInput): ByteQueryResult {
  if (input.value === '') return { ok: true, query: undefined };
  if (input.kind === 'hex') {
    const parsed = parseHex(input.value);
    if (!parsed.ok) return { ok: false, message: parsed.message, index: parsed.index };
    return { ok: true, query: parsed.bytes.length === 0 ? undefined : { needle: parsed.bytes, ignoreCase: false } };
  }
  const encoded = encodeText(input.value, input.encoding);
  if (!encoded.ok) return { ok: false, message: encoded.message, index: encoded.index };
  const needle = input.ignoreCase ? encoded.bytes.map(lowerAscii) : encoded.bytes;
  return { ok: true, query: { needle, ignoreCase: input.ignoreCase } };
}

/** Offset of the first match at or after `from`, or -1. */
export function indexOfBytes(haystack: Uint8Array, query: ByteQuery, from = 0): number {
  const { needle, ignoreCase } = query;
  if (needle.length === 0) return Math.min(Math.max(0, from), haystack.length);
  const last = haystack.length - needle.length;
  for (let i = Math.max(0, from); i <= last; i++) {
    let j = 0;
    if (ignoreCase) while (j < needle.length && lowerAscii(haystack[i + j]!) === needle[j]) j++;
    else while (j < needle.length && haystack[i + j] === needle[j]) j++;
    if (j === needle.length) return i;
  }
  return -1;
}

export function containsBytes(haystack: Uint8Array, query: ByteQuery): boolean {
  return indexOfBytes(haystack, query) !== -1;
}
