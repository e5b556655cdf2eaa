/**
 * Display framing for the sticky-packet problem (粘包/拆包): TCP delivers a byte stream, so the
 * chunks a socket reports rarely match the messages a peer meant. A framer regroups the chunks
 * of one stream (one connection, one direction) into frames by a rule the user picks.
 *
 * Incremental: `push` answers only what the new chunk completed, so a live log never re-frames
 * what it already showed, and the same framer makes one pass over a retained log. Framing never
 * throws: a rule that cannot apply to the bytes leaves them in the trailing partial frame, and a
 * length field too large to believe is reported as a frame of its header alone.
 */

export type LengthFieldSize = 1 | 2 | 4;
/** The sizes as a list of choices, by their text. */
export const LENGTH_FIELD_SIZES = ['1', '2', '4'] as const;
export const LENGTH_FIELD_SIZE_OF: Readonly<Record<(typeof LENGTH_FIELD_SIZES)[number], LengthFieldSize>> = { '1': 1, '2': 2, '4': 4 };

export type FramingConfig =
  | { mode: 'raw' }
  | { mode: 'delimiter'; delimiter: Uint8Array; keepDelimiter: boolean }
  | {
      mode: 'length';
      /** Bytes of the length field. */
      size: LengthFieldSize;
      littleEndian: boolean;
      /** Where the length field starts, counted from the frame's first byte. */
      offset: number;
      /** The length counts the header (offset bytes and the field itself) as well as the body. */
      includesHeader: boolean;
      /** Added to the length read, for protocols whose length leaves out a checksum or counts a trailer. */
      adjustment: number;
      /** A frame longer than this is taken for a misread length, not waited for. */
      maxFrame: number;
    }
  | { mode: 'fixed'; size: number }
  | { mode: 'gap'; gapMs: number };

export type FramingMode = FramingConfig['mode'];

export interface Frame {
  /** Offset of the frame's first byte in the stream. */
  start: number;
  /** Offset just past the frame in the stream, its delimiter included even when stripped. */
  end: number;
  bytes: Uint8Array;
  /** Time of the chunk that completed the frame; for a partial frame, of its latest chunk. */
  at: number;
  /** Index (in push order) of the chunk holding the frame's first byte. */
  firstChunk: number;
  /** Index of the chunk that completed the frame, or the latest one for a partial frame. */
  lastChunk: number;
  /** More bytes are needed (or, for gap framing, may still join) before the frame is complete. */
  partial: boolean;
  /** Length-prefixed only: the length field read here was impossible, so the frame is just its header. */
  badLength?: boolean;
}

export interface FramerPush {
  /** Frames completed by this chunk, in stream order. */
  frames: Frame[];
  /** The incomplete frame at the end of the stream after this chunk, if any. */
  partial: Frame | undefined;
}

export interface Framer {
  push(bytes: Uint8Array, at: number): FramerPush;
  /** The incomplete trailing frame, if any. */
  partial(): Frame | undefined;
}

/** Longest length-prefixed frame believed when the user sets none: a coalesced chunk is at most a few MiB. */
export const DEFAULT_MAX_FRAME = 16 * 1024 * 1024;

/** Frame sizes and offsets a user may set; anything else is clamped into range, never thrown on. */
const MAX_SETTING = 0x7fffffff;

const clampInt = (value: number, min: number, max: number): number =>
  Number.isFinite(value) ? Math.min(max, Math.max(min, Math.trunc(value))) : min;

/**
 * Bytes not yet framed. Appends go into one buffer that doubles, and consumed bytes are let go
 * of by moving `head`, so a stream of a million small chunks costs no more than one big one.
 */
class Pending {
  private buffer = new Uint8Array(256);
  private head = 0;
  private tail = 0;
  /** Stream offset of `head`. */
  offset = 0;
  firstChunk = 0;
  lastChunk = 0;
  lastAt = 0;

  get length(): number {
    return this.tail - this.head;
  }

  append(bytes: Uint8Array, chunk: number, at: number): void {
    if (this.length === 0) this.firstChunk = chunk;
    this.lastChunk = chunk;
    this.lastAt = at;
    if (this.tail + bytes.length > this.buffer.length) {
      // A fresh buffer rather than moving bytes in place: partial frames handed out are views
      // of the old one and must keep their bytes.
      const live = this.length;
      const grown = new Uint8Array(Math.max(256, 2 * (live + bytes.length)));
      grown.set(this.buffer.subarray(this.head, this.tail));
      this.buffer = grown;
      this.head = 0;
      this.tail = live;
    }
    this.buffer.set(bytes, this.tail);
    this.tail += bytes.length;
  }

  byteAt(index: number): number {
    return this.buffer[this.head + index]!;
  }

  /** The first `length` pending bytes as a frame; `keep` of them become its bytes. */
  take(length: number, keep: number, completedBy: number, at: number): Frame {
    const frame: Frame = {
      start: this.offset,
      end: this.offset + length,
      bytes: this.buffer.slice(this.head, this.head + keep),
      at,
      firstChunk: this.firstChunk,
      lastChunk: completedBy,
      partial: false,
    };
    this.head += length;
    this.offset += length;
    // What remains began in the chunk that completed this frame (or a later one).
    this.firstChunk = completedBy;
    return frame;
  }

  partial(): Frame | undefined {
    if (this.length === 0) return undefined;
    return {
      start: this.offset,
      end: this.offset + this.length,
      // A view, not a copy: a stream waiting on a long frame asks for its partial after every chunk.
      bytes: this.buffer.subarray(this.head, this.tail),
      at: this.lastAt,
      firstChunk: this.firstChunk,
      lastChunk: this.lastChunk,
      partial: true,
    };
  }

  /** Index of `needle` in the pending bytes at or after `from`, or -1. */
  indexOf(needle: Uint8Array, from: number): number {
    const first = needle[0]!;
    const live = this.buffer.subarray(this.head, this.tail);
    const last = live.length - needle.length;
    for (let i = live.indexOf(first, from); i !== -1 && i <= last; i = live.indexOf(first, i + 1)) {
      let j = 1;
      while (j < needle.length && live[i + j] === needle[j]) j++;
      if (j === needle.length) return i;
    }
    return -1;
  }
}

/** Every chunk is a frame: what the socket reported, as it reported it. */
function rawFramer(): Framer {
  let chunk = 0;
  let offset = 0;
  return {
    push(bytes, at) {
      const frame: Frame = { start: offset, end: offset + bytes.length, bytes, at, firstChunk: chunk, lastChunk: chunk, partial: false };
      chunk += 1;
      offset += bytes.length;
      return { frames: [frame], partial: undefined };
    },
    partial: () => undefined,
  };
}

/** A frame whenever `gapMs` of silence passed since the previous chunk. */
function gapFramer(gapMs: number): Framer {
  const pending = new Pending();
  let chunk = 0;
  return {
    push(bytes, at) {
      const frames: Frame[] = [];
      if (pending.length > 0 && at - pending.lastAt >= gapMs) {
        frames.push(pending.take(pending.length, pending.length, pending.lastChunk, pending.lastAt));
      }
      if (bytes.length > 0) pending.append(bytes, chunk, at);
      chunk += 1;
      return { frames, partial: pending.partial() };
    },
    partial: () => pending.partial(),
  };
}

/**
 * The rules that depend on bytes only (delimiter, length, fixed): `next` answers the length of
 * the complete frame at the start of the pending bytes (and how many of them to keep), or
 * undefined when more bytes are needed.
 */
function byteFramer(next: (pending: Pending) => { length: number; keep: number; badLength?: boolean } | undefined): Framer {
  const pending = new Pending();
  let chunk = 0;
  return {
    push(bytes, at) {
      const frames: Frame[] = [];
      if (bytes.length > 0) {
        pending.append(bytes, chunk, at);
        for (let found = next(pending); found; found = next(pending)) {
          const frame = pending.take(found.length, found.keep, chunk, at);
          if (found.badLength) frame.badLength = true;
          frames.push(frame);
        }
      }
      chunk += 1;
      return { frames, partial: pending.partial() };
    },
    partial: () => pending.partial(),
  };
}

function delimiterFramer(delimiter: Uint8Array, keepDelimiter: boolean): Framer {
  // Where the search resumes: bytes already searched cannot start a delimiter, except the last few.
  let searched = 0;
  const needle = delimiter.slice();
  return byteFramer((pending) => {
    if (needle.length === 0 || pending.length < needle.length) return undefined;
    const at = pending.indexOf(needle, Math.max(0, searched - needle.length + 1));
    if (at === -1) {
      searched = pending.length;
      return undefined;
    }
    searched = 0;
    const length = at + needle.length;
    return { length, keep: keepDelimiter ? length : at };
  });
}

function readLength(pending: Pending, offset: number, size: number, littleEndian: boolean): number {
  let value = 0;
  for (let i = 0; i < size; i++) {
    const byte = pending.byteAt(offset + (littleEndian ? size - 1 - i : i));
    // Multiplication, not shifts: a 4-byte length above 2^31 must stay positive.
    value = value * 256 + byte;
  }
  return value;
}

function lengthFramer(config: Extract<FramingConfig, { mode: 'length' }>): Framer {
  // A field of no bytes (or a size that is no number) would make frames of no bytes, without end.
  const size = clampInt(config.size, 1, 4);
  const offset = clampInt(config.offset, 0, MAX_SETTING);
  const adjustment = clampInt(config.adjustment, -MAX_SETTING, MAX_SETTING);
  const maxFrame = clampInt(config.maxFrame, 1, Number.MAX_SAFE_INTEGER);
  const header = offset + size;
  return byteFramer((pending) => {
    if (pending.length < header) return undefined;
    const value = readLength(pending, offset, size, config.littleEndian);
    const total = (config.includesHeader ? value : header + value) + adjustment;
    // A length that ends inside its own header or beyond any plausible frame is a misread:
    // showing the header alone lets the reader see it and the framing carry on after it.
    if (total < header || total > maxFrame) return { length: header, keep: header, badLength: true };
    return pending.length >= total ? { length: total, keep: total } : undefined;
  });
}

function fixedFramer(size: number): Framer {
  const n = clampInt(size, 1, MAX_SETTING);
  return byteFramer((pending) => (pending.length >= n ? { length: n, keep: n } : undefined));
}

export function createFramer(config: FramingConfig): Framer {
  switch (config.mode) {
    case 'raw':
      return rawFramer();
    case 'delimiter':
      return delimiterFramer(config.delimiter, config.keepDelimiter);
    case 'length':
      return lengthFramer(config);
    case 'fixed':
      return fixedFramer(config.size);
    case 'gap':
      return gapFramer(Number.isFinite(config.gapMs) ? Math.max(0, config.gapMs) : 0);
  }
}
