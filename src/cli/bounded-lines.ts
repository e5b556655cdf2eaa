/** A line of input, or the length of one too long to keep. */
export type InputLine = { text: string } | { tooLong: number };

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;

function lineText(bytes: Buffer): string {
  const end = bytes.length > 0 && bytes[bytes.length - 1] === CARRIAGE_RETURN ? bytes.length - 1 : bytes.length;
  return bytes.toString('utf8', 0, end);
}

/**
 * The lines of a byte stream (LF or CRLF ends; bytes that are not UTF-8 read as U+FFFD). A line
 * longer than `maxBytes` is not kept: its bytes are let go of as they arrive and the line is
 * reported by its length, so one endless line cannot use up the memory.
 */
export async function* boundedLines(
  input: AsyncIterable<Buffer | string> | Iterable<Buffer | string>,
  maxBytes: number,
): AsyncGenerator<InputLine> {
  let parts: Buffer[] = [];
  let length = 0;
  /** Bytes of the line being let go of, while there is one. */
  let skipped: number | undefined;
  for await (const chunk of input) {
    let bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    for (;;) {
      const end = bytes.indexOf(NEWLINE);
      const piece = end === -1 ? bytes : bytes.subarray(0, end);
      if (skipped !== undefined) skipped += piece.length;
      else if (length + piece.length > maxBytes) {
        skipped = length + piece.length;
        parts = [];
        length = 0;
      } else {
        parts.push(piece);
        length += piece.length;
      }
      if (end === -1) break;
      if (skipped !== undefined) yield { tooLong: skipped };
      else yield { text: lineText(Buffer.concat(parts, length)) };
      skipped = undefined;
      parts = [];
      length = 0;
      bytes = bytes.subarray(end + 1);
    }
  }
  if (skipped !== undefined) yield { tooLong: skipped };
  else if (length > 0) yield { text: lineText(Buffer.concat(parts, length)) };
}
