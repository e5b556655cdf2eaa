import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createFramer, type Frame, type FramingConfig, type LengthFieldSize } from '@shared/framing';
import { frameAll, type Chunk } from '../support/collect';

const ascii = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0));
const text = (bytes: Uint8Array): string => String.fromCharCode(...bytes);
const chunks = (...parts: (string | Uint8Array)[]): Chunk[] =>
  parts.map((part, i) => ({ bytes: typeof part === 'string' ? ascii(part) : part, at: 1000 + i * 10 }));
const shown = (frames: Frame[]) => frames.map((f) => [text(f.bytes), f.partial]);

const lengthConfig = (
  size: LengthFieldSize,
  littleEndian: boolean,
  extra: Partial<Extract<FramingConfig, { mode: 'length' }>> = {},
): FramingConfig => ({
  mode: 'length',
  size,
  littleEndian,
  offset: 0,
  includesHeader: false,
  adjustment: 0,
  maxFrame: 1 << 20,
  ...extra,
});

function lengthField(value: number, size: LengthFieldSize, littleEndian: boolean): Uint8Array {
  const field = new Uint8Array(size);
  for (let i = 0; i < size; i++) field[littleEndian ? i : size - 1 - i] = Math.floor(value / 256 ** i) % 256;
  return field;
}

const concat = (parts: Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};

/** The stream cut at the given points, one chunk per piece, timestamps 1 ms apart. */
function split(stream: Uint8Array, cuts: number[]): Chunk[] {
  const points = [...new Set(cuts.map((c) => c % (stream.length + 1)))].sort((a, b) => a - b);
  const out: Chunk[] = [];
  let prev = 0;
  for (const p of [...points, stream.length]) {
    out.push({ bytes: stream.slice(prev, p), at: out.length });
    prev = p;
  }
  return out;
}

describe('raw framing', () => {
  it('gives one frame per chunk, as received, never partial', () => {
    const frames = frameAll({ mode: 'raw' }, chunks('ab', '', 'cde'));
    expect(shown(frames)).toEqual([
      ['ab', false],
      ['', false],
      ['cde', false],
    ]);
    expect(frames.map((f) => [f.start, f.end, f.at])).toEqual([
      [0, 2, 1000],
      [2, 2, 1010],
      [2, 5, 1020],
    ]);
  });
});

describe('delimiter framing', () => {
  it('splits on \\n and keeps the trailing rest as partial', () => {
    expect(shown(frameAll({ mode: 'delimiter', delimiter: ascii('\n'), keepDelimiter: true }, chunks('one\ntw', 'o\nthr')))).toEqual([
      ['one\n', false],
      ['two\n', false],
      ['thr', true],
    ]);
  });

  it('strips a \\r\\n split across chunks when asked, and records where each frame lies', () => {
    const frames = frameAll({ mode: 'delimiter', delimiter: ascii('\r\n'), keepDelimiter: false }, chunks('ab\r', '\ncd\r\n'));
    expect(shown(frames)).toEqual([
      ['ab', false],
      ['cd', false],
    ]);
    expect(frames.map((f) => [f.start, f.end, f.at, f.firstChunk, f.lastChunk])).toEqual([
      [0, 4, 1010, 0, 1],
      [4, 8, 1010, 1, 1],
    ]);
  });

  it('splits on any hex sequence, even one that starts like itself', () => {
    const delimiter = Uint8Array.from([0xaa, 0xaa, 0x55]);
    const frames = frameAll({ mode: 'delimiter', delimiter, keepDelimiter: true }, [
      { bytes: Uint8Array.from([1, 0xaa]), at: 1 },
      { bytes: Uint8Array.from([0xaa, 0xaa, 0x55, 2, 0xaa, 0x55, 0xaa]), at: 2 },
    ]);
    expect(frames.map((f) => [...f.bytes])).toEqual([
      [1, 0xaa, 0xaa, 0xaa, 0x55],
      [2, 0xaa, 0x55, 0xaa],
    ]);
    expect(frames.map((f) => f.partial)).toEqual([false, true]);
  });

  it('treats an empty delimiter as never found', () => {
    expect(shown(frameAll({ mode: 'delimiter', delimiter: new Uint8Array(), keepDelimiter: true }, chunks('a\nb')))).toEqual([
      ['a\nb', true],
    ]);
  });
});

describe('length-prefixed framing', () => {
  it.each([
    [1, false],
    [2, false],
    [2, true],
    [4, false],
    [4, true],
  ] as [LengthFieldSize, boolean][])('reads a %i-byte length (little endian: %s) across chunk boundaries', (size, le) => {
    const frameA = concat([lengthField(3, size, le), ascii('abc')]);
    const frameB = concat([lengthField(2, size, le), ascii('de')]);
    const stream = concat([frameA, frameB, lengthField(5, size, le), ascii('xy')]);
    const frames = frameAll(lengthConfig(size, le), split(stream, [1, size + 2, stream.length - 1]));
    expect(frames.map((f) => [...f.bytes])).toEqual([[...frameA], [...frameB], [...stream.slice(frameA.length + frameB.length)]]);
    expect(frames.map((f) => f.partial)).toEqual([false, false, true]);
  });

  it('tells big from little endian', () => {
    const stream = Uint8Array.from([0x00, 0x02, 0x41, 0x42, 0x00, 0x00]);
    expect(frameAll(lengthConfig(2, false), [{ bytes: stream, at: 0 }]).map((f) => [f.bytes.length, f.partial])).toEqual([
      [4, false],
      [2, false],
    ]);
    // 0x0200 = 512 bytes little endian: the whole rest waits for more.
    expect(frameAll(lengthConfig(2, true), [{ bytes: stream, at: 0 }]).map((f) => [f.bytes.length, f.partial])).toEqual([[6, true]]);
  });

  it('counts the header in the length when told to', () => {
    const stream = ascii('\x03ab\x02c');
    expect(shown(frameAll(lengthConfig(1, false, { includesHeader: true }), [{ bytes: stream, at: 0 }]))).toEqual([
      ['\x03ab', false],
      ['\x02c', false],
    ]);
  });

  it('finds the length at an offset, after a type byte, with an adjustment for a trailing checksum', () => {
    // type, length (body only), body, 1-byte checksum not counted by the length
    const stream = ascii('T\x02hiXU\x01!Y');
    const frames = frameAll(lengthConfig(1, false, { offset: 1, adjustment: 1 }), [{ bytes: stream, at: 0 }]);
    expect(shown(frames)).toEqual([
      ['T\x02hiX', false],
      ['U\x01!Y', false],
    ]);
  });

  it('shows an impossible length as a bad header and carries on, instead of waiting forever', () => {
    const huge = concat([lengthField(0xffffffff, 4, false), ascii('ab')]);
    const frames = frameAll(lengthConfig(4, false, { maxFrame: 1000 }), [{ bytes: huge, at: 0 }]);
    expect(frames[0]).toMatchObject({ badLength: true, partial: false });
    expect(frames[0]!.bytes).toHaveLength(4);
    expect(shown(frames.slice(1))).toEqual([['ab', true]]);
    // A length smaller than its own header cannot be a frame either.
    const tiny = frameAll(lengthConfig(2, false, { includesHeader: true }), [{ bytes: Uint8Array.from([0, 1, 0, 1]), at: 0 }]);
    expect(tiny.map((f) => [f.bytes.length, f.badLength])).toEqual([
      [2, true],
      [2, true],
    ]);
  });
});

describe('fixed-size framing', () => {
  it('cuts every N bytes and leaves the remainder partial', () => {
    expect(shown(frameAll({ mode: 'fixed', size: 3 }, chunks('ab', 'cdefg')))).toEqual([
      ['abc', false],
      ['def', false],
      ['g', true],
    ]);
  });

  it('clamps a size below one instead of looping', () => {
    expect(frameAll({ mode: 'fixed', size: 0 }, chunks('ab'))).toHaveLength(2);
  });
});

describe('gap framing', () => {
  it('starts a new frame after N ms of silence; the last one stays partial', () => {
    const at = [0, 5, 40, 45, 100];
    const frames = frameAll(
      { mode: 'gap', gapMs: 30 },
      at.map((t, i) => ({ bytes: ascii(String(i)), at: t })),
    );
    expect(shown(frames)).toEqual([
      ['01', false],
      ['23', false],
      ['4', true],
    ]);
    expect(frames.map((f) => f.at)).toEqual([5, 45, 100]);
  });
});

describe('incremental framing', () => {
  it('answers each push with only the frames it completed, plus the current partial', () => {
    const framer = createFramer({ mode: 'delimiter', delimiter: ascii('\n'), keepDelimiter: false });
    const first = framer.push(ascii('a\nb'), 1);
    expect(shown(first.frames)).toEqual([['a', false]]);
    expect(first.partial && text(first.partial.bytes)).toBe('b');
    const second = framer.push(ascii('c\n'), 2);
    expect(shown(second.frames)).toEqual([['bc', false]]);
    expect(second.partial).toBeUndefined();
    expect(framer.partial()).toBeUndefined();
  });

  it('keeps a partial frame it handed out intact while more bytes arrive', () => {
    const framer = createFramer({ mode: 'fixed', size: 1000 });
    const partial = framer.push(ascii('abc'), 1).partial!;
    for (let i = 0; i < 50; i++) framer.push(ascii('0123456789'), 2);
    expect(text(partial.bytes)).toBe('abc');
    expect(framer.partial()!.bytes).toHaveLength(503);
  });
});

// ── Properties ────────────────────────────────────────────────────────────────────────────

const cutsArb = fc.array(fc.nat(), { maxLength: 12 });
const streamArb = fc.uint8Array({ maxLength: 200 });

const byteConfigArb: fc.Arbitrary<FramingConfig> = fc.oneof(
  fc.record({
    mode: fc.constant('delimiter' as const),
    delimiter: fc.uint8Array({ minLength: 1, maxLength: 3 }),
    keepDelimiter: fc.boolean(),
  }),
  fc.record({ mode: fc.constant('fixed' as const), size: fc.integer({ min: 1, max: 20 }) }),
  fc.record({
    mode: fc.constant('length' as const),
    size: fc.constantFrom(1, 2, 4) as fc.Arbitrary<LengthFieldSize>,
    littleEndian: fc.boolean(),
    offset: fc.integer({ min: 0, max: 3 }),
    includesHeader: fc.boolean(),
    adjustment: fc.integer({ min: -4, max: 4 }),
    maxFrame: fc.integer({ min: 1, max: 300 }),
  }),
);

const anyConfigArb: fc.Arbitrary<FramingConfig> = fc.oneof(
  byteConfigArb,
  fc.constant({ mode: 'raw' as const }),
  fc.record({ mode: fc.constant('gap' as const), gapMs: fc.integer({ min: 0, max: 5 }) }),
);

const keepsEverything = (config: FramingConfig) => config.mode !== 'delimiter' || config.keepDelimiter;
const essence = (frames: Frame[]) =>
  frames.map((f) => ({ start: f.start, end: f.end, bytes: [...f.bytes], partial: f.partial, badLength: f.badLength }));

describe('framing properties', () => {
  it('frames the same bytes the same way however the stream was split (delimiter, length, fixed)', () => {
    fc.assert(
      fc.property(byteConfigArb, streamArb, cutsArb, cutsArb, (config, stream, cutsA, cutsB) => {
        expect(essence(frameAll(config, split(stream, cutsA)))).toEqual(essence(frameAll(config, split(stream, cutsB))));
      }),
    );
  });

  it('gives frames that concatenate back to the stream, each starting where the previous ended', () => {
    fc.assert(
      fc.property(anyConfigArb, streamArb, cutsArb, (config, stream, cuts) => {
        const frames = frameAll(config, split(stream, cuts));
        let at = 0;
        for (const frame of frames) {
          expect(frame.start).toBe(at);
          at = frame.end;
        }
        expect(at).toBe(stream.length);
        if (keepsEverything(config)) expect([...concat(frames.map((f) => f.bytes))]).toEqual([...stream]);
        expect(frames.slice(0, -1).every((f) => !f.partial)).toBe(true);
      }),
    );
  });

  it('gets back exactly the generated frames from a length-prefixed stream', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(1, 2, 4) as fc.Arbitrary<LengthFieldSize>,
        fc.boolean(),
        fc.boolean(),
        fc.integer({ min: 0, max: 3 }),
        fc.array(fc.uint8Array({ maxLength: 40 }), { maxLength: 8 }),
        cutsArb,
        (size, littleEndian, includesHeader, offset, bodies, cuts) => {
          const header = offset + size;
          const frames = bodies.map((body) =>
            concat([new Uint8Array(offset).fill(0x7e), lengthField(body.length + (includesHeader ? header : 0), size, littleEndian), body]),
          );
          const result = frameAll(lengthConfig(size, littleEndian, { offset, includesHeader }), split(concat(frames), cuts));
          expect(result.map((f) => [...f.bytes])).toEqual(frames.map((f) => [...f]));
          expect(result.every((f) => !f.partial && !f.badLength)).toBe(true);
        },
      ),
    );
  });

  it('never throws, whatever the settings and the bytes', () => {
    const wildConfigArb = fc.oneof(
      anyConfigArb,
      fc.record({ mode: fc.constant('fixed' as const), size: fc.double() }),
      fc.record({ mode: fc.constant('gap' as const), gapMs: fc.double() }),
      fc.record({
        mode: fc.constant('length' as const),
        size: fc.constantFrom(1, 2, 4) as fc.Arbitrary<LengthFieldSize>,
        littleEndian: fc.boolean(),
        offset: fc.double(),
        includesHeader: fc.boolean(),
        adjustment: fc.double(),
        maxFrame: fc.double(),
      }),
    );
    fc.assert(
      fc.property(
        wildConfigArb,
        fc.array(fc.record({ bytes: fc.uint8Array({ maxLength: 64 }), at: fc.double() }), { maxLength: 10 }),
        (config, input) => {
          const frames = frameAll(config, input);
          expect(frames.reduce((n, f) => n + (f.end - f.start), 0)).toBe(input.reduce((n, c) => n + c.bytes.length, 0));
        },
      ),
    );
  });
});
