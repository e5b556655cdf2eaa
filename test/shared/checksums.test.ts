import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import crc8 from 'crc/crc8';
import crc16modbus from 'crc/crc16modbus';
import crc16ccitt from 'crc/crc16ccitt';
import crc16xmodem from 'crc/crc16xmodem';
import crc32 from 'crc/crc32';
import {
  appendChecksum,
  CHECKSUM_ALGORITHMS,
  CHECKSUM_WIDTH_BYTES,
  checksumToBytes,
  computeChecksum,
  formatChecksum,
  verifyChecksum,
  type ChecksumAlgorithm,
} from '@shared/checksums';

const ascii = (text: string) => new TextEncoder().encode(text);
const hex = (text: string) => Uint8Array.from(text.split(' ').map((pair) => parseInt(pair, 16)));

describe('checksums', () => {
  // The CRC catalogue's "check" column (reveng), and the plain sums worked by hand.
  const catalogue: Record<ChecksumAlgorithm, number> = {
    crc8: 0xf4,
    'crc16-modbus': 0x4b37,
    'crc16-ccitt-false': 0x29b1,
    'crc16-xmodem': 0x31c3,
    crc32: 0xcbf43926,
    xor: 0x31,
    sum8: 0xdd,
    lrc: 0x23,
  };

  it.each(CHECKSUM_ALGORITHMS)('%s gives the catalogue check value for "123456789"', (algorithm) => {
    expect(formatChecksum(algorithm, computeChecksum(algorithm, ascii('123456789')))).toBe(formatChecksum(algorithm, catalogue[algorithm]));
  });

  const independent: Partial<Record<ChecksumAlgorithm, (bytes: Uint8Array) => number>> = {
    crc8: (b) => crc8(Buffer.from(b)),
    'crc16-modbus': (b) => crc16modbus(Buffer.from(b)),
    'crc16-ccitt-false': (b) => crc16ccitt(Buffer.from(b)),
    'crc16-xmodem': (b) => crc16xmodem(Buffer.from(b)),
    crc32: (b) => crc32(Buffer.from(b)),
    xor: (b) => b.reduce((acc, byte) => acc ^ byte, 0),
    sum8: (b) => b.reduce((acc, byte) => acc + byte, 0) % 256,
    lrc: (b) => (256 - (b.reduce((acc, byte) => acc + byte, 0) % 256)) % 256,
  };

  it.each(CHECKSUM_ALGORITHMS)('%s agrees with an independent implementation on random input', (algorithm) => {
    const reference = independent[algorithm]!;
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        expect(computeChecksum(algorithm, bytes)).toBe(reference(bytes) >>> 0);
      }),
      { numRuns: 300 },
    );
  });

  it('covers only the chosen range', () => {
    const bytes = ascii('xx123456789y');
    expect(computeChecksum('crc16-modbus', bytes, 2, 11)).toBe(0x4b37);
  });

  it('appends a Modbus RTU CRC low byte first, as a device expects it on the wire', () => {
    const result = appendChecksum({ algorithm: 'crc16-modbus', order: 'little', from: 0 }, hex('01 03 00 00 00 0a'));
    expect('bytes' in result && Array.from(result.bytes)).toEqual(Array.from(hex('01 03 00 00 00 0a c5 cd')));
  });

  it('writes each width in either byte order', () => {
    expect(Array.from(checksumToBytes('crc32', 0xcbf43926, 'big'))).toEqual([0xcb, 0xf4, 0x39, 0x26]);
    expect(Array.from(checksumToBytes('crc32', 0xcbf43926, 'little'))).toEqual([0x26, 0x39, 0xf4, 0xcb]);
    expect(Array.from(checksumToBytes('sum8', 0xdd, 'little'))).toEqual([0xdd]);
  });

  it('skips a header and a trailer with slice-like bounds', () => {
    // STX, body, ETX: the BCC covers the body only, and is appended after the ETX.
    const frame = hex('02 31 32 33 03');
    const result = appendChecksum({ algorithm: 'xor', order: 'big', from: 1, to: -1 }, frame);
    expect('bytes' in result && Array.from(result.bytes)).toEqual([0x02, 0x31, 0x32, 0x33, 0x03, 0x31 ^ 0x32 ^ 0x33]);
  });

  it('refuses a range that does not fit the payload, saying how long it was', () => {
    expect(appendChecksum({ algorithm: 'sum8', order: 'big', from: 4 }, hex('01 02'))).toEqual({
      kind: 'range',
      from: 4,
      to: 0,
      length: 2,
    });
  });

  it('verifies what it appended, for every algorithm, range and order', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...CHECKSUM_ALGORITHMS),
        fc.constantFrom('big' as const, 'little' as const),
        fc.uint8Array({ minLength: 6, maxLength: 64 }),
        fc.integer({ min: 0, max: 3 }),
        fc.integer({ min: -3, max: 0 }),
        (algorithm, order, payload, from, to) => {
          const spec = { algorithm, order, from, to };
          const sent = appendChecksum(spec, payload);
          if (!('bytes' in sent)) throw new Error('range should fit');
          expect(verifyChecksum(spec, sent.bytes).verdict).toBe('ok');
        },
      ),
      { numRuns: 500 },
    );
  });

  it('reports a corrupted message with the expected and the received value', () => {
    const spec = { algorithm: 'crc16-modbus' as const, order: 'little' as const, from: 0 };
    const verdict = verifyChecksum(spec, hex('01 03 00 00 00 0a c5 ce'));
    expect(verdict).toEqual({ verdict: 'bad', expected: 0xcdc5, received: 0xcec5 });
  });

  it('detects every single flipped bit with a CRC', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<ChecksumAlgorithm>('crc8', 'crc16-modbus', 'crc16-ccitt-false', 'crc16-xmodem', 'crc32'),
        fc.uint8Array({ minLength: 1, maxLength: 64 }),
        fc.nat(),
        (algorithm, payload, flip) => {
          const spec = { algorithm, order: 'big' as const, from: 0 };
          const sent = appendChecksum(spec, payload);
          if (!('bytes' in sent)) throw new Error('range should fit');
          const bit = flip % (sent.bytes.length * 8);
          sent.bytes[bit >> 3]! ^= 1 << (bit & 7);
          expect(verifyChecksum(spec, sent.bytes).verdict).toBe('bad');
        },
      ),
      { numRuns: 500 },
    );
  });

  it('calls a message too short to hold the value and its range short, with the length needed', () => {
    expect(verifyChecksum({ algorithm: 'crc32', order: 'big', from: 0 }, hex('01 02'))).toEqual({
      verdict: 'short',
      length: 2,
      needed: CHECKSUM_WIDTH_BYTES.crc32,
    });
    expect(verifyChecksum({ algorithm: 'sum8', order: 'big', from: 2, to: -1 }, hex('01 02'))).toEqual({
      verdict: 'short',
      length: 2,
      needed: 4,
    });
  });
});
