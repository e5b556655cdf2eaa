import { formatHex } from './hex';

export interface HexDumpRow {
  offset: number;
  /** Two digits a byte, an extra space after every eighth, padded to a full row. */
  hex: string;
  /** Printable ASCII as itself, every other byte as '.'. */
  ascii: string;
}

const HALF_ROW = 8;

const asciiOf = (byte: number): string => (byte >= 0x20 && byte <= 0x7e ? String.fromCharCode(byte) : '.');

function hexColumns(row: Uint8Array, bytesPerRow: number): string {
  const groups: string[] = [];
  for (let start = 0; start < bytesPerRow; start += HALF_ROW) {
    const cells = Math.min(HALF_ROW, bytesPerRow - start);
    // Missing bytes on a short last row stay as blanks so the ASCII column lines up.
    groups.push(formatHex(row.subarray(start, start + cells)).padEnd(cells * 3 - 1));
  }
  return groups.join('  ');
}

/** The classic `hexdump -C` layout, one row per `bytesPerRow` bytes. */
export function hexDumpRows(bytes: Uint8Array, bytesPerRow = 16): HexDumpRow[] {
  if (!Number.isInteger(bytesPerRow) || bytesPerRow < 1) {
    throw new RangeError(`bytesPerRow must be a positive whole number, not ${bytesPerRow}`);
  }
  const rows: HexDumpRow[] = [];
  for (let offset = 0; offset < bytes.length; offset += bytesPerRow) {
    const row = bytes.subarray(offset, offset + bytesPerRow);
    rows.push({ offset, hex: hexColumns(row, bytesPerRow), ascii: Array.from(row, asciiOf).join('') });
  }
  return rows;
}

/** Lines of `00000000  de ad be ef …  |....|`, joined by newlines. */
export function formatHexDump(bytes: Uint8Array, bytesPerRow = 16): string {
  return hexDumpRows(bytes, bytesPerRow)
    .map((row) => `${row.offset.toString(16).padStart(8, '0')}  ${row.hex}  |${row.ascii}|`)
    .join('\n');
}
