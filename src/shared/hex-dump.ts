const HALF_ROW = 8;

const DIGITS = Uint8Array.from('0123456789abcdef', (char) => char.charCodeAt(0));
const SPACE = 0x20;
const BAR = 0x7c;
const latin1 = new TextDecoder('latin1');

/**
 * Lines of `00000000  de ad be ef …  |....|`, joined by newlines. Written as bytes into one
 * buffer rather than joined from strings: text dumps of whole recordings run through here, and
 * this is an order of magnitude faster.
 */
export function formatHexDump(bytes: Uint8Array, bytesPerRow = 16): string {
  if (!Number.isInteger(bytesPerRow) || bytesPerRow < 1) {
    throw new RangeError(`bytesPerRow must be a positive whole number, not ${bytesPerRow}`);
  }
  const rows = Math.ceil(bytes.length / bytesPerRow);
  const groupGaps = Math.ceil(bytesPerRow / HALF_ROW) - 1;
  // 16 offset digits at most, two spaces, the hex cells, two spaces, |ascii|, newline.
  const rowLength = 16 + 2 + bytesPerRow * 3 - 1 + groupGaps + 2 + bytesPerRow + 2 + 1;
  const out = new Uint8Array(rows * rowLength);
  let at = 0;
  for (let offset = 0; offset < bytes.length; offset += bytesPerRow) {
    if (offset > 0) out[at++] = 0x0a;
    const digits = offset.toString(16).padStart(8, '0');
    for (let i = 0; i < digits.length; i++) out[at++] = digits.charCodeAt(i);
    out[at++] = SPACE;
    out[at++] = SPACE;
    const end = Math.min(offset + bytesPerRow, bytes.length);
    for (let i = 0; i < bytesPerRow; i++) {
      if (i > 0) {
        out[at++] = SPACE;
        if (i % HALF_ROW === 0) out[at++] = SPACE;
      }
      // Missing bytes on a short last row stay as blanks so the ASCII column lines up.
      const byte = offset + i < end ? bytes[offset + i]! : -1;
      out[at++] = byte < 0 ? SPACE : DIGITS[byte >> 4]!;
      out[at++] = byte < 0 ? SPACE : DIGITS[byte & 15]!;
    }
    out[at++] = SPACE;
    out[at++] = SPACE;
    out[at++] = BAR;
    for (let i = offset; i < end; i++) {
      const byte = bytes[i]!;
      out[at++] = byte >= 0x20 && byte <= 0x7e ? byte : 0x2e;
    }
    out[at++] = BAR;
  }
  return latin1.decode(out.subarray(0, at));
}

/**
 * Where bytes [start, end) stand in `formatHexDump(bytes)` (16 to a row, offsets of 8 digits:
 * dumps under 4 GiB): per row they touch, the run of their hex cells and the run of their ASCII
 * characters, as [from, to) string offsets, so a match can be marked in both columns.
 */
export function hexDumpSpans(start: number, end: number, bytesPerRow = 16): [number, number][] {
  const groupGaps = Math.ceil(bytesPerRow / HALF_ROW) - 1;
  const hexFrom = 8 + 2;
  const asciiFrom = hexFrom + bytesPerRow * 3 - 1 + groupGaps + 2 + 1;
  const lineLength = asciiFrom + bytesPerRow + 1 + 1;
  const cell = (column: number) => hexFrom + column * 3 + Math.floor(column / HALF_ROW);
  const spans: [number, number][] = [];
  for (let row = Math.floor(start / bytesPerRow); row * bytesPerRow < end; row++) {
    const first = Math.max(start, row * bytesPerRow) - row * bytesPerRow;
    const last = Math.min(end, (row + 1) * bytesPerRow) - 1 - row * bytesPerRow;
    const line = row * lineLength;
    spans.push([line + cell(first), line + cell(last) + 2], [line + asciiFrom + first, line + asciiFrom + last + 1]);
  }
  return spans;
}
