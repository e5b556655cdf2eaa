/**
 * Finding what a user typed in received bytes. The query becomes bytes first (text in the
 * log's encoding, or hex), and the search runs on bytes: decoding every entry to search it
 * would cost far more and would miss matches that straddle a malformed sequence.
 */
import type { TextEncodingName } from './contract';
import { parseHex } from './hex';
import { encodeText, type TextProblem } from './text-encoding';

export type ByteQueryInput =
  { kind: 'text'; value: string; encoding: TextEncodingName; ignoreCase: boolean } | { kind: 'hex'; value: string };

export interface ByteQuery {
  needle: Uint8Array;
  /** ASCII letters match in either case. */
  ignoreCase: boolean;
}

/** A query that cannot be read says why as the composer does: in English, as a phrase, and where. */
export type ByteQueryResult = { ok: true; query: ByteQuery | undefined } | ({ ok: false } & TextProblem);

const lowerAscii = (byte: number): number => (byte >= 0x41 && byte <= 0x5a ? byte + 0x20 : byte);

/** The query as bytes; `query` is undefined for an empty query, which matches everything. */
export function compileByteQuery(input: ByteQueryInput): ByteQueryResult {
  if (input.value === '') return { ok: true, query: undefined };
  if (input.kind === 'hex') {
    const parsed = parseHex(input.value);
    if (!parsed.ok) return parsed;
    return { ok: true, query: parsed.bytes.length === 0 ? undefined : { needle: parsed.bytes, ignoreCase: false } };
  }
  const encoded = encodeText(input.value, input.encoding);
  if (!encoded.ok) return encoded;
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

/** Matches one after another, none overlapping, as [start, end) offsets; at most `limit` of them. */
export function matchRanges(haystack: Uint8Array, query: ByteQuery, limit = Infinity): [number, number][] {
  const ranges: [number, number][] = [];
  const size = Math.max(1, query.needle.length);
  for (let at = indexOfBytes(haystack, query); at !== -1 && ranges.length < limit; at = indexOfBytes(haystack, query, at + size)) {
    ranges.push([at, at + query.needle.length]);
  }
  return ranges;
}

/** How many matches `matchRanges` would give, without keeping them. */
export function countMatches(haystack: Uint8Array, query: ByteQuery): number {
  if (query.needle.length === 0) return 0;
  let count = 0;
  for (let at = indexOfBytes(haystack, query); at !== -1; at = indexOfBytes(haystack, query, at + query.needle.length)) count++;
  return count;
}
