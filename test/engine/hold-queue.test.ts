/** The pure hold queue: chunks cut into messages by the framing, the frame still arriving, take and edit. */
import { describe, expect, it } from 'vitest';
import { HoldQueue } from '@engine/hold-queue';

const bytes = (text: string) => new TextEncoder().encode(text);
const text = (data: Uint8Array) => new TextDecoder().decode(data);

function queue() {
  let n = 0;
  return new HoldQueue('c1', 'to-server', { mode: 'delimiter', delimiter: bytes('\n'), keepDelimiter: true }, () => `h${++n}`);
}

describe('HoldQueue', () => {
  it('cuts chunks into messages, the frame still arriving last, its id kept as it completes', () => {
    const q = queue();
    q.push(bytes('one\ntw'), 1);
    expect(q.messages().map((m) => [m.id, text(m.bytes), m.partial])).toEqual([
      ['h1', 'one\n', false],
      ['h2', 'tw', true],
    ]);
    expect({ bytes: q.bytes, count: q.count }).toEqual({ bytes: 6, count: 2 });
    q.push(bytes('o\n'), 2);
    expect(q.messages().map((m) => [m.id, text(m.bytes), m.partial])).toEqual([
      ['h1', 'one\n', false],
      ['h2', 'two\n', false],
    ]);
  });

  it('takes the chosen messages in order; taking the partial frame starts a new one', () => {
    const q = queue();
    q.push(bytes('a\nb\nc'), 1);
    expect(q.take(new Set(['h2'])).map((m) => text(m.bytes))).toEqual(['b\n']);
    expect(q.take(new Set(['h3'])).map((m) => text(m.bytes))).toEqual(['c']);
    q.push(bytes('d\n'), 2);
    expect(q.messages().map((m) => text(m.bytes))).toEqual(['a\n', 'd\n']);
    expect(q.take().map((m) => text(m.bytes))).toEqual(['a\n', 'd\n']);
    expect(q.empty).toBe(true);
    expect(q.bytes).toBe(0);
  });

  it('edits a message, and an edit of the partial frame makes it a message of its own', () => {
    const q = queue();
    q.push(bytes('x\ny'), 1);
    expect(q.edit('h1', bytes('changed\n'))).toMatchObject({ id: 'h1', edited: true });
    expect(q.edit('h2', bytes('Y\n'))).toMatchObject({ id: 'h2', edited: true, partial: false });
    q.push(bytes('z\n'), 2);
    expect(q.messages().map((m) => [m.id, text(m.bytes), m.edited])).toEqual([
      ['h1', 'changed\n', true],
      ['h2', 'Y\n', true],
      ['h3', 'z\n', false],
    ]);
    expect(q.bytes).toBe(12);
    expect(q.edit('h9', bytes('nothing'))).toBeUndefined();
  });
});
