import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeBase64Into, encodeBase64 } from '@shared/base64';
import type { EventBatch } from '@shared/contract';
import {
  decodeBatchFrame,
  decodeServerFrame,
  decodeWire,
  encodeAnswer,
  encodeBatchFrame,
  encodeWire,
  type ServerMessage,
} from '@shared/wire';

const batchOf = (payloads: Uint8Array[]): ServerMessage => ({
  kind: 'events',
  batch: {
    coalesced: 0,
    events: payloads.map((bytes, i) => ({
      type: 'data',
      at: i,
      sessionId: 's1',
      dir: 'rx',
      peer: { address: '127.0.0.1', port: 9, family: 'IPv4' },
      bytes,
    })),
  },
});

const bytesOf = (message: unknown): Uint8Array[] =>
  (message as { batch: EventBatch }).batch.events.map((event) => (event.type === 'data' ? event.bytes : new Uint8Array()));

describe('decodeWire bytes', () => {
  it('gives back every byte string exactly, whatever their sizes', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 9000 }), { maxLength: 40 }), (payloads) => {
        const decoded = bytesOf(decodeWire(encodeWire(batchOf(payloads))));
        expect(decoded.map((b) => [...b])).toEqual(payloads.map((b) => [...b]));
      }),
      { numRuns: 200 },
    );
  });

  it('cuts small byte strings from one shared buffer and gives a large one its own', () => {
    const small = Array.from({ length: 100 }, (_, i) => Uint8Array.from({ length: 64 }, (_, j) => (i + j) & 0xff));
    const large = new Uint8Array(100_000).fill(7);
    const decoded = bytesOf(decodeWire(encodeWire(batchOf([...small, large]))));
    const buffers = new Set(decoded.slice(0, 100).map((b) => b.buffer));
    expect(buffers.size).toBe(1);
    expect(decoded[100]!.buffer).not.toBe(decoded[0]!.buffer);
    expect(decoded[100]!.byteLength).toBe(100_000);
    // Cut end to end, none overlapping another.
    for (let i = 1; i < 100; i++) expect(decoded[i]!.byteOffset).toBe(decoded[i - 1]!.byteOffset + 64);
  });

  it('leaves a tag whose text is not base64 as it came', () => {
    expect(decodeWire('{"a":{"$b64":"***"}}')).toEqual({ a: { $b64: '***' } });
  });
});

describe('decodeBase64Into', () => {
  it('writes at the offset it is given and touches nothing before it', () => {
    const out = new Uint8Array(16).fill(0xee);
    const read = decodeBase64Into(encodeBase64(Uint8Array.of(1, 2, 3, 4)), out, 5);
    expect(read).toEqual({ ok: true, length: 4 });
    expect([...out.subarray(0, 10)]).toEqual([0xee, 0xee, 0xee, 0xee, 0xee, 1, 2, 3, 4, 0xee]);
  });

  it('reports a bad character at its position in the text', () => {
    expect(decodeBase64Into('AA*A', new Uint8Array(8), 2)).toMatchObject({ ok: false, index: 2 });
  });
});

const eventsOf = (message: ServerMessage): EventBatch => {
  if (message.kind !== 'events') throw new Error('not a batch');
  return message.batch;
};

const dataOf = (batch: EventBatch): number[][] => batch.events.map((e) => (e.type === 'data' ? [...e.bytes] : []));

describe('batch frames', () => {
  it("read back every byte of every event, whatever the payloads, as views of one copy of the frame's data section", () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 40 }), (payloads) => {
        const batch = eventsOf(batchOf(payloads));
        const frame = encodeBatchFrame(batch);
        const read = decodeBatchFrame(frame).batch;
        expect(dataOf(read)).toEqual(payloads.map((p) => [...p]));
        const buffers = new Set(read.events.map((event) => (event.type === 'data' ? event.bytes.buffer : undefined)));
        const data = payloads.reduce((sum, p) => sum + p.byteLength, 0);
        for (const buffer of buffers) {
          expect(buffer).not.toBe(frame.buffer);
          expect(buffer!.byteLength).toBe(data);
        }
        expect(buffers.size).toBeLessThanOrEqual(1);
      }),
    );
  });

  it("send a packed batch's buffer once as it is, and a view of a larger buffer without the rest of it", () => {
    const packed = Uint8Array.from({ length: 256 }, (_, i) => i);
    const batch = eventsOf(batchOf([packed.subarray(0, 100), packed.subarray(100, 256)]));
    const json = (b: EventBatch) =>
      new TextEncoder().encode(JSON.stringify(b, (_k, v: unknown) => (v instanceof Uint8Array ? { $v: 0 } : v)));
    const frame = encodeBatchFrame(batch);
    expect(frame.byteLength).toBe(12 + 2 * 8 + json(batch).byteLength + 256);
    expect([...frame.subarray(frame.byteLength - 256)]).toEqual([...packed]);

    const pool = new Uint8Array(8192).fill(7);
    const alone = eventsOf(batchOf([pool.subarray(10, 14)]));
    expect(encodeBatchFrame(alone).byteLength).toBe(12 + 8 + json(alone).byteLength + 4);
    expect(dataOf(decodeBatchFrame(encodeBatchFrame(alone)).batch)).toEqual([[7, 7, 7, 7]]);
  });

  it('refuse what is not one with a SyntaxError saying why', () => {
    const good = encodeBatchFrame(eventsOf(batchOf([Uint8Array.of(1, 2, 3)])));
    const changed = (at: number, value: number) => {
      const copy = good.slice();
      copy[at] = value;
      return copy;
    };
    expect(() => decodeBatchFrame(good.subarray(0, 5))).toThrow(/shorter than its 12-byte head/);
    expect(() => decodeBatchFrame(changed(0, 9))).toThrow(/version 9/);
    expect(() => decodeBatchFrame(changed(16, 200))).toThrow(/ends past the/);
    expect(() => decodeBatchFrame(good.subarray(0, good.byteLength - 3))).toThrow(SyntaxError);
    expect(() => decodeBatchFrame(changed(8, 0))).toThrow(SyntaxError);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.nat(255), fc.nat(), (noise, value, at) => {
        const frames = [noise, changed(at % good.byteLength, value)];
        for (const frame of frames) {
          try {
            decodeBatchFrame(frame);
          } catch (err) {
            expect(err).toBeInstanceOf(SyntaxError);
          }
        }
      }),
    );
  });

  it('sends an answer that carries bytes (a history) as a binary frame read back into views, and any other as the same JSON text', () => {
    const log = batchOf([new Uint8Array([0, 1, 255]), new TextEncoder().encode('hello')]);
    const events = log.kind === 'events' ? log.batch.events : [];
    const answer = {
      kind: 'result' as const,
      id: 7,
      result: { ok: true as const, value: { seq: 3, logs: [{ sessionId: 's1', follows: false, events, dropped: 0 }] } },
    };
    const frame = encodeAnswer(answer);
    expect(frame).toBeInstanceOf(Uint8Array);
    const read = decodeServerFrame(frame) as typeof answer;
    expect(read.kind).toBe('result');
    const bytes = read.result.value.logs[0]!.events.map((e) => (e.type === 'data' ? [...e.bytes] : []));
    expect(bytes).toEqual([[0, 1, 255], [...new TextEncoder().encode('hello')]]);
    // Every byte once, unencoded: the frame is its JSON, its head and the eight bytes.
    expect((frame as Uint8Array).byteLength).toBeLessThan(JSON.stringify(answer).length);

    const plain = { kind: 'result' as const, id: 'x', result: { ok: true as const, value: [{ id: 's1' }] } };
    expect(encodeAnswer(plain)).toBe(encodeWire(plain));
    expect(decodeServerFrame(encodeAnswer(plain) as string)).toEqual(plain);
    // A batch frame still reads as events.
    expect(decodeServerFrame(encodeBatchFrame(log.kind === 'events' ? log.batch : { events: [], coalesced: 0 }))).toMatchObject({
      kind: 'events',
    });
  });
});
