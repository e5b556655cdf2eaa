import type { Frame, Framer, FramerPush } from '@shared/framing';

const LF = 0x0a;
const CR = 0x0d;

/**
 * Lines, as a terminal shows them: a line ends at LF, CRLF or a lone CR, and the break is not
 * part of the line. A CR that ends a chunk may be the first half of a CRLF split across two
 * reads; the LF that follows it then ends nothing more. Each line's time is that of the chunk
 * its last byte came in; `firstChunk` says where it began.
 */
export function createLineFramer(): Framer {
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  let pendingAt = 0;
  let pendingFirst = 0;
  let chunk = -1;
  let offset = 0;
  /** The last chunk ended with a CR: an LF first in the next one belongs to it. */
  let afterCr = false;

  const take = (part: Uint8Array): Uint8Array => {
    if (pending.length === 0) return part;
    const out = new Uint8Array(pendingBytes + part.byteLength);
    let at = 0;
    for (const piece of pending) {
      out.set(piece, at);
      at += piece.byteLength;
    }
    out.set(part, at);
    pending = [];
    pendingBytes = 0;
    return out;
  };

  return {
    push(bytes: Uint8Array, at: number): FramerPush {
      chunk += 1;
      const frames: Frame[] = [];
      let from = 0;
      if (afterCr && bytes[0] === LF) from = 1;
      afterCr = false;
      for (let i = from; i < bytes.length; i++) {
        const byte = bytes[i];
        if (byte !== LF && byte !== CR) continue;
        const line = take(bytes.subarray(from, i));
        frames.push({
          start: offset + from - (line.byteLength - (i - from)),
          end: offset + i + 1,
          bytes: line,
          at,
          firstChunk: line.byteLength > i - from ? pendingFirst : chunk,
          lastChunk: chunk,
          partial: false,
        });
        if (byte === CR) {
          if (i + 1 < bytes.length && bytes[i + 1] === LF) i += 1;
          else if (i + 1 === bytes.length) afterCr = true;
        }
        from = i + 1;
      }
      if (from < bytes.length) {
        if (pending.length === 0) pendingFirst = chunk;
        // Copied: a chunk's buffer may be a view the log lets go of.
        pending.push(bytes.slice(from));
        pendingBytes += bytes.length - from;
        pendingAt = at;
      }
      offset += bytes.length;
      const open = pendingBytes > 0 ? partialView() : undefined;
      return { frames, partial: open };
    },
    partial: () => (pendingBytes > 0 ? partialView() : undefined),
  };

  function partialView(): Frame {
    const joined = take(new Uint8Array(0));
    pending = [joined];
    pendingBytes = joined.byteLength;
    return {
      start: offset - pendingBytes,
      end: offset,
      bytes: joined,
      at: pendingAt,
      firstChunk: pendingFirst,
      lastChunk: chunk,
      partial: true,
    };
  }
}
