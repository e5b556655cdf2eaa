import { StringDecoder } from 'node:string_decoder';

/** A line of input, or the length of one too long to keep. */
export type InputLine = { text: string } | { tooLong: number };

const NEWLINE = 0x0a;

const withoutCarriageReturn = (text: string): string => (text.endsWith('\r') ? text.slice(0, -1) : text);

/**
 * The lines of a byte stream (LF or CRLF ends; bytes that are not UTF-8 read as U+FFFD). A line
 * longer than `maxBytes` is not kept: its bytes are let go of as they arrive and the line is
 * reported by its length, so one endless line cannot use up the memory.
 *
 * Each chunk becomes text as it arrives and is let go of, rather than the line's chunks being
 * joined into one buffer at its end: a send of 16 MiB is a line of 21 MiB, and that buffer, on
 * top of the chunks and the text, would be one more large block left in the allocator for every
 * such line (the text lives in the JavaScript heap, which gives its memory back).
 */
export async function* boundedLines(
  input: AsyncIterable<Buffer | string> | Iterable<Buffer | string>,
  maxBytes: number,
): AsyncGenerator<InputLine> {
  const decoder = new StringDecoder('utf8');
  let text = '';
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
        decoder.end();
        text = '';
        length = 0;
      } else {
        text += decoder.write(piece);
        length += piece.length;
      }
      if (end === -1) break;
      if (skipped !== undefined) yield { tooLong: skipped };
      else yield { text: withoutCarriageReturn(text + decoder.end()) };
      skipped = undefined;
      text = '';
      length = 0;
      bytes = bytes.subarray(end + 1);
    }
  }
  if (skipped !== undefined) yield { tooLong: skipped };
  else if (length > 0) yield { text: withoutCarriageReturn(text + decoder.end()) };
}
