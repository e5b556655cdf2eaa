/**
 * Payload macros through the one template grammar: counters (start, step, width, base, bytes,
 * order, names), timestamps, random bytes and digits, UUIDs, captures in replies, literal {{,
 * positions in errors, checksums appended after the macros are filled in, and the preview that
 * does not advance a counter.
 */
import { describe, expect, it } from 'vitest';
import { autoReplyRuleSchema, payloadSchema, type MethodArgs } from '@shared/contract';
import { computeChecksum } from '@shared/checksums';
import { tryRule } from '@shared/auto-reply';
import { MacroCounters, type MacroContext } from '@shared/macros';
import { encodePayload, payloadProblem } from '@shared/payload';
import { formatHex } from '@shared/hex';
import { renderPhrase, type PhraseStyle } from '@shared/phrase';
import { phrasesZhCN } from '@renderer/i18n/phrases-zh-CN';

type PayloadInput = NonNullable<MethodArgs<'send'>['payload']>;

// 2026-12-03T12:34:56.789Z
const NOW = Date.UTC(2026, 11, 3, 12, 34, 56, 789);

function context(counters = new MacroCounters(), fill = 0xab): MacroContext {
  return { now: NOW, random: (n) => new Uint8Array(n).fill(fill), counters };
}

function send(input: PayloadInput, ctx: MacroContext = context(), advance = true): string {
  const made = encodePayload(payloadSchema.parse(input), ctx, advance);
  if (!made.ok) return `error: ${made.error.message}`;
  return input.format === 'hex' ? formatHex(made.value).toUpperCase() : new TextDecoder().decode(made.value);
}

const text = (value: string, extra: Partial<PayloadInput> = {}): PayloadInput => ({ format: 'text', value, ...extra });
const hex = (value: string, extra: Partial<PayloadInput> = {}): PayloadInput => ({ format: 'hex', value, ...extra });

describe('counter', () => {
  it('counts from 0 by 1 per send, per session, and several uses in one payload show one value', () => {
    const ctx = context();
    expect(send(text('#{{counter}} again {{counter}}'), ctx)).toBe('#0 again 0');
    expect(send(text('#{{counter}}'), ctx)).toBe('#1');
    expect(send(text('#{{counter}}'), context())).toBe('#0');
  });

  it('start, step, width and base; a value wider than the width wraps, as a device counter does', () => {
    const ctx = context();
    const payload = text('{{counter start=254 step=1 width=2 base=hex}}');
    expect([send(payload, ctx), send(payload, ctx), send(payload, ctx)]).toEqual(['FE', 'FF', '00']);
    const down = context();
    expect([send(text('{{counter start=3 step=-2 width=3}}'), down), send(text('{{counter start=3 step=-2 width=3}}'), down)]).toEqual([
      '003',
      '001',
    ]);
  });

  it('named counters advance apart; the default one is shared by every payload of the session', () => {
    const ctx = context();
    expect(send(text('{{counter name=a}}/{{counter name=b}}'), ctx)).toBe('0/0');
    expect(send(text('{{counter name=a}}'), ctx)).toBe('1');
    expect(send(text('{{counter name=b}} {{counter}}'), ctx)).toBe('1 0');
  });

  it('bytes=N writes it as a binary number, big-endian or little', () => {
    const ctx = context();
    expect(send(hex('aa {{counter start=258 bytes=2}} bb'), ctx)).toBe('AA 01 02 BB');
    expect(send(hex('{{counter start=258 bytes=2 order=little}}'), context())).toBe('02 01');
    // In a text payload too: the bytes go in as they are, like \xNN.
    const made = encodePayload(payloadSchema.parse(text('{{counter start=65 bytes=1}}')), context());
    expect(made.ok && Array.from(made.value)).toEqual([65]);
  });

  it('in a hex payload its digits are hex digits: a decimal counter is BCD', () => {
    expect(send(hex('{{counter start=1234 width=4}}'))).toBe('12 34');
    expect(send(hex('{{counter start=5}}'))).toBe('05');
  });
});

describe('timestamp, random, uuid', () => {
  it('ISO 8601 in UTC by default, unix seconds and milliseconds, and as binary numbers', () => {
    expect(send(text('{{timestamp}}'))).toBe('2026-12-03T12:34:56.789Z');
    expect(send(text('{{timestamp unix}}|{{timestamp unix-ms}}'))).toBe(`${Math.floor(NOW / 1000)}|${NOW}`);
    const seconds = Math.floor(NOW / 1000);
    expect(send(hex('{{timestamp unix bytes=4}}'))).toBe(
      formatHex(Uint8Array.of(seconds >>> 24, (seconds >>> 16) & 255, (seconds >>> 8) & 255, seconds & 255)).toUpperCase(),
    );
  });

  it('a custom format, in UTC unless local is asked for', () => {
    expect(send(text('{{timestamp format="YYYY/MM/DD HH:mm:ss.SSS"}}'))).toBe('2026/12/03 12:34:56.789');
    const d = new Date(NOW);
    const local = `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
    expect(send(text('{{timestamp format="HH:mm" local}}'))).toBe(local);
  });

  it('random bytes and digits of the length asked for', () => {
    expect(send(hex('{{random bytes=3}}'))).toBe('AB AB AB');
    let calls = 0;
    const digits = send(text('{{random digits=8}}'), {
      now: NOW,
      counters: new MacroCounters(),
      // 250 and above are drawn again, so that every digit is equally likely.
      random: (n) => new Uint8Array(n).fill(calls++ === 0 ? 255 : 17),
    });
    expect(digits).toBe('77777777');
    expect(calls).toBe(2);
  });

  it('a version-4 UUID as text, and as its 16 bytes in a hex payload', () => {
    expect(send(text('{{uuid}}'))).toBe('abababab-abab-4bab-abab-abababababab');
    expect(send(hex('{{uuid}}'))).toBe('AB AB AB AB AB AB 4B AB AB AB AB AB AB AB AB AB');
  });
});

describe('grammar', () => {
  it('\\{{ is a literal {{, spaces inside the braces are allowed, and text between macros keeps its escapes', () => {
    expect(send(text('\\{{counter}} {{ counter }}\\t!'))).toBe('{{counter}} 0\t!');
  });

  it('refuses with the position: an unknown macro, an unknown key, a bad value, an unclosed {{', () => {
    const problem = (input: PayloadInput) => payloadProblem(payloadSchema.parse(input));
    expect(problem(text('ab {{count}}'))).toMatchObject({
      index: 3,
      message: expect.stringMatching(/^\{\{count\}\} at position 3 is not a macro: use counter/),
    });
    expect(problem(text('{{counter size=2}}'))?.message).toMatch(/at position 0: it does not take size; it takes start, step/);
    expect(problem(text('xy{{counter width=x}}'))).toMatchObject({
      index: 2,
      message: expect.stringContaining('width=x is not a whole number'),
    });
    expect(problem(text('xy{{counter width=99}}'))?.message).toContain('width=99 is outside 0 to 16');
    expect(problem(text('a {{counter'))).toMatchObject({ index: 2, message: expect.stringContaining('is not closed') });
    expect(problem(text('{{random}}'))?.message).toContain('give its length as bytes=N or as digits=N');
    expect(problem(text('{{timestamp unix format="x"}}'))?.message).toContain('choose one of iso, unix, unix-ms');
  });

  it('a time as text cannot stand in a hex payload, and the refusal says what can', () => {
    expect(payloadProblem(payloadSchema.parse(hex('01 {{timestamp}}')))).toMatchObject({
      index: 3,
      message: expect.stringContaining('use {{timestamp unix bytes=4}}'),
    });
  });

  it('captures belong to auto-reply replies; in a payload they are refused with the position', () => {
    expect(payloadProblem(payloadSchema.parse(text('x {{$1}}')))).toMatchObject({
      index: 2,
      message: expect.stringContaining('captures come from an auto-reply match'),
    });
  });

  it('auto-reply replies take macros beside their captures', () => {
    const rule = autoReplyRuleSchema.parse({
      id: 'r',
      match: { on: 'text', kind: 'regex', pattern: '^GET (\\w+)$' },
      reply: { format: 'text', value: '{{$1}}={{counter start=7}}' },
    });
    const trial = tryRule(rule, new TextEncoder().encode('GET temp'));
    // The page's trial has no engine behind it: it says macros are the engine's, rather than guessing a value.
    expect(trial.kind === 'match' && !trial.reply.ok && trial.reply.message).toContain('macros are filled in by the engine');
  });
});

describe("problems in the reader's language", () => {
  const zh: PhraseStyle = { locale: 'zh-CN', sentenceGap: '', lookup: (key) => (phrasesZhCN as Record<string, string>)[key] };
  const inChinese = (input: PayloadInput) => {
    const found = payloadProblem(payloadSchema.parse(input));
    return { index: found?.index, words: found?.phrase ? renderPhrase(found.phrase, zh) : found?.message };
  };

  it('says every macro and template problem in Chinese, with the position of what is wrong', () => {
    expect(inChinese(text('ab {{count}}'))).toEqual({
      index: 3,
      words: '位置 3 的 {{count}} 不是宏：请用 counter、timestamp、random 或 uuid，用 {{$1}} 引用自动回复匹配的捕获，或用 \\{{ 写出字符 {{',
    });
    expect(inChinese(text('{{counter size=2}}')).words).toBe(
      '位置 0 的 {{counter size=2}}：它不接受 size；它接受 start、step、width、base（dec 或 hex）、bytes、order（big 或 little）和 name',
    );
    expect(inChinese(text('xy{{counter width=99}}'))).toEqual({
      index: 2,
      words: '位置 2 的 {{counter width=99}}：width=99 超出 0 到 16 的范围',
    });
    expect(inChinese(text('xy{{counter base=oct}}')).words).toBe('位置 2 的 {{counter base=oct}}：base=oct 无效；请用 dec 或 hex');
    expect(inChinese(text('a {{counter')).words).toBe('位置 2 的“{{”没有闭合：宏写成 {{counter}}，捕获写成 {{$1}}，字符 {{ 写成 \\{{');
    expect(inChinese(text('{{$1}}')).words).toMatch(/^位置 0 的 \{\{\$1\}\}：捕获来自自动回复的匹配/);
    expect(inChinese(hex('01 {{timestamp}}'))).toMatchObject({
      index: 3,
      words: expect.stringMatching(/^位置 3 的 \{\{timestamp\}\} 是文本形式的时间/),
    });
    // Every problem above read in Chinese has no English sentence left in it.
    for (const input of [
      text('{{random digits=x}}'),
      text('{{timestamp unix format="x"}}'),
      text('{{uuid v=4}}'),
      text('{{counter a=1 a=2}}'),
    ]) {
      expect(inChinese(input).words).toMatch(/^位置 0 的 /);
      expect(inChinese(input).words).not.toMatch(/\b(is|the|use|it|of)\b/);
    }
  });
});

describe('checksums and the preview', () => {
  it('the checksum covers the body with its macros filled in, and goes before the line ending', () => {
    const ctx = context();
    const made = encodePayload(
      payloadSchema.parse(hex('01 03 {{counter start=16 bytes=2}}', { checksum: { algorithm: 'crc16-modbus' } })),
      ctx,
    );
    expect(made.ok).toBe(true);
    if (!made.ok) return;
    const body = Uint8Array.of(1, 3, 0, 16);
    const crc = computeChecksum('crc16-modbus', body);
    expect(Array.from(made.value)).toEqual([1, 3, 0, 16, crc & 255, crc >>> 8]);
    const line = encodePayload(payloadSchema.parse(text('AB', { lineEnding: 'crlf', checksum: { algorithm: 'xor' } })), ctx);
    expect(line.ok && Array.from(line.value)).toEqual([0x41, 0x42, 0x41 ^ 0x42, 0x0d, 0x0a]);
  });

  it('a range that does not fit the body is refused, naming the range and the length', () => {
    expect(send(hex('01', { checksum: { algorithm: 'sum8', from: 2 } }))).toMatch(
      /checksum range from 2 to the end does not fit a body of 1 bytes/,
    );
  });

  it('the preview shows the next send and leaves the counter where it is', () => {
    const ctx = context();
    const payload = text('n={{counter}}');
    expect(send(payload, ctx, false)).toBe('n=0');
    expect(send(payload, ctx, false)).toBe('n=0');
    expect(send(payload, ctx)).toBe('n=0');
    expect(send(payload, ctx, false)).toBe('n=1');
  });
});
