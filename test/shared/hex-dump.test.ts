import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseHex } from '@shared/hex';
import { formatHexDump, hexDumpSpans } from '@shared/hex-dump';

const ascii = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0));
const ALL_BYTES = Uint8Array.from({ length: 256 }, (_, n) => n);

/**
 * formatHexDump's lines taken apart into offset, hex cells and ASCII gutter. The cells are read
 * up to the two spaces and bar that open the gutter, which sits where a full row's cells end
 * (three characters a byte, one more after every eighth), so a row of the wrong width fails here.
 */
function hexDumpRows(bytes: Uint8Array, bytesPerRow = 16): { offset: number; hex: string; ascii: string }[] {
  const text = formatHexDump(bytes, bytesPerRow);
  if (text === '') return [];
  const cells = bytesPerRow * 3 - 1 + Math.floor((bytesPerRow - 1) / 8);
  return text.split('\n').map((line) => {
    const hexAt = line.indexOf('  ') + 2;
    const gutter = line.slice(hexAt + cells, hexAt + cells + 3);
    if (gutter !== '  |' || !line.endsWith('|')) throw new Error(`not a hexdump -C row of ${bytesPerRow}: ${JSON.stringify(line)}`);
    return {
      offset: parseInt(line.slice(0, hexAt - 2), 16),
      hex: line.slice(hexAt, hexAt + cells),
      ascii: line.slice(hexAt + cells + 3, -1),
    };
  });
}

describe('formatHexDump rows', () => {
  it('lays out 0..255 as 16 rows with the ASCII gutter', () => {
    const rows = hexDumpRows(ALL_BYTES);
    expect(rows).toHaveLength(16);
    expect(rows.map((row) => row.offset)).toEqual(Array.from({ length: 16 }, (_, n) => n * 16));
    expect(rows[0]).toEqual({
      offset: 0,
      hex: '00 01 02 03 04 05 06 07  08 09 0a 0b 0c 0d 0e 0f',
      ascii: '................',
    });
    expect(rows[1]!.ascii).toBe('................');
    expect(rows[2]!.ascii).toBe(' !"#$%&\'()*+,-./');
    expect(rows[3]!.ascii).toBe('0123456789:;<=>?');
    expect(rows[4]!.ascii).toBe('@ABCDEFGHIJKLMNO');
    expect(rows[5]!.ascii).toBe('PQRSTUVWXYZ[\\]^_');
    expect(rows[6]!.ascii).toBe('`abcdefghijklmno');
    expect(rows[7]!.ascii).toBe('pqrstuvwxyz{|}~.');
    for (const row of rows.slice(8)) expect(row.ascii).toBe('................');
    expect(rows[15]!.hex).toBe('f0 f1 f2 f3 f4 f5 f6 f7  f8 f9 fa fb fc fd fe ff');
  });

  it('pads a short last row so the columns line up', () => {
    const rows = hexDumpRows(ascii('Hello, world! Hi\r\n!'));
    expect(rows).toHaveLength(2);
    expect(rows[1]).toEqual({ offset: 16, hex: `0d 0a 21${' '.repeat(48 - 8)}`, ascii: '..!' });
    expect(rows[1]!.hex).toHaveLength(rows[0]!.hex.length);
    expect(hexDumpRows(ascii('123456789'))[0]!.hex).toBe(`31 32 33 34 35 36 37 38  39${' '.repeat(21)}`);
  });

  it('gives no rows for no bytes', () => {
    expect(hexDumpRows(new Uint8Array())).toEqual([]);
  });

  it('takes another row width, with the extra space after every eighth byte', () => {
    expect(hexDumpRows(ascii('abcdef'), 4)).toEqual([
      { offset: 0, hex: '61 62 63 64', ascii: 'abcd' },
      { offset: 4, hex: '65 66      ', ascii: 'ef' },
    ]);
    const wide = hexDumpRows(ALL_BYTES.subarray(0, 20), 20)[0]!;
    expect(wide.hex).toBe('00 01 02 03 04 05 06 07  08 09 0a 0b 0c 0d 0e 0f  10 11 12 13');
  });

  it('refuses a row width that is not a positive whole number', () => {
    for (const width of [0, -1, 1.5, Number.NaN]) expect(() => hexDumpRows(ALL_BYTES, width)).toThrow(RangeError);
  });
});

describe('formatHexDump', () => {
  it('writes hexdump -C lines', () => {
    expect(formatHexDump(ascii('Hello, world! Hi\r\n!'))).toBe(
      ['00000000  48 65 6c 6c 6f 2c 20 77  6f 72 6c 64 21 20 48 69  |Hello, world! Hi|', `00000010  0d 0a 21${' '.repeat(40)}  |..!|`].join(
        '\n',
      ),
    );
    expect(formatHexDump(new Uint8Array())).toBe('');
  });

  it('writes 8-digit offsets', () => {
    const lines = formatHexDump(new Uint8Array(0x1010)).split('\n');
    expect(lines).toHaveLength(0x101);
    expect(lines.at(-1)!.slice(0, 10)).toBe('00001000  ');
  });
});

describe('hex dump properties', () => {
  it('has full-width rows whose hex reads back as the bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), fc.integer({ min: 1, max: 32 }), (bytes, width) => {
        const rows = hexDumpRows(bytes, width);
        expect(rows).toHaveLength(Math.ceil(bytes.length / width));
        const fullWidth = width * 3 - 1 + Math.floor((width - 1) / 8);
        for (const [k, row] of rows.entries()) {
          expect(row.offset).toBe(k * width);
          expect(row.hex).toHaveLength(fullWidth);
          expect(row.ascii).toHaveLength(Math.min(width, bytes.length - row.offset));
        }
        const back = parseHex(rows.map((row) => row.hex).join(' '));
        expect(back).toEqual({ ok: true, bytes });
      }),
    );
  });
});

describe('hexDumpSpans', () => {
  const bytes = Uint8Array.from({ length: 40 }, (_, i) => 0x41 + (i % 26));
  const dump = formatHexDump(bytes);
  const marked = (start: number, end: number) => hexDumpSpans(start, end).map(([from, to]) => dump.slice(from, to));

  it('points at the hex cells and the ASCII of bytes within one row', () => {
    expect(marked(1, 3)).toEqual(['42 43', 'BC']);
  });

  it('crosses the gap between the two halves of a row', () => {
    expect(marked(7, 9)).toEqual(['48  49', 'HI']);
  });

  it('splits a run over the rows it touches, the short last row too', () => {
    expect(marked(15, 33)).toEqual(['50', 'P', '51 52 53 54 55 56 57 58  59 5a 41 42 43 44 45 46', 'QRSTUVWXYZABCDEF', '47', 'G']);
  });
});
