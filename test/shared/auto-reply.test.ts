/**
 * The pure half of auto-reply: matching (text kinds, regex captures, hex patterns with ??), the
 * reply template ({{$1}}, {{$name}}, \{{), and the sliding rate limit.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { autoReplyRuleSchema, automationSchema, payloadSchema, type AutoReplyRuleInput } from '@shared/contract';
import { compileRule, tryRule } from '@shared/auto-reply';
import { parseHexPattern } from '@shared/hex-pattern';
import { encodePayload } from '@shared/payload';
import { SlidingWindowLimit } from '@shared/rate-limit';
import { scanTemplate } from '@shared/reply-template';
import { formatHex } from '@shared/hex';
import { english } from '@shared/phrase';
import { issuePhrase } from '@shared/validate';
import { matchFailure } from '@shared/rule-match';

const text = (s: string) => new TextEncoder().encode(s);
const ascii = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const rule = (input: Omit<AutoReplyRuleInput, 'id'>) => autoReplyRuleSchema.parse({ id: 'r1', ...input });

function reply(r: ReturnType<typeof rule>, message: Uint8Array): Uint8Array | 'no-match' | string {
  const trial = tryRule(r, message);
  if (trial.kind === 'invalid') return `invalid ${trial.problem.field}: ${trial.problem.message}`;
  if (trial.kind === 'no-match') return 'no-match';
  return trial.reply.ok ? trial.reply.bytes : `failed: ${trial.reply.message}`;
}

describe('text matches', () => {
  const kinds = [
    ['exact', 'PING', 'PING', 'PING!'],
    ['contains', 'ING', 'a PING b', 'PONG'],
    ['starts', 'PI', 'PING', 'xPING'],
    ['ends', 'NG', 'PING', 'PINGx'],
  ] as const;
  for (const [kind, pattern, yes, no] of kinds) {
    it(`${kind}: "${pattern}" matches "${yes}", not "${no}"`, () => {
      const r = rule({ match: { on: 'text', kind, pattern }, reply: { format: 'text', value: '[{{$0}}]' } });
      expect(ascii(reply(r, text(yes)) as Uint8Array)).toBe(`[${pattern}]`);
      expect(reply(r, text(no))).toBe('no-match');
    });
  }

  it('ignoreCase compares without case, and $0 is the text as it came', () => {
    const r = rule({
      match: { on: 'text', kind: 'contains', pattern: 'ping', ignoreCase: true },
      reply: { format: 'text', value: '{{$0}}' },
    });
    expect(ascii(reply(r, text('a PiNg')) as Uint8Array)).toBe('PiNg');
  });

  it('regex special characters in a plain pattern are literal', () => {
    const r = rule({ match: { on: 'text', kind: 'exact', pattern: 'a.b*(c)' }, reply: { format: 'text', value: 'ok' } });
    expect(reply(r, text('a.b*(c)'))).toEqual(text('ok'));
    expect(reply(r, text('axbbc'))).toBe('no-match');
  });

  it('decodes the message in the rule encoding', () => {
    const gbk = Uint8Array.from([0xc4, 0xe3, 0xba, 0xc3]); // 你好 in GBK
    const r = rule({
      match: { on: 'text', kind: 'exact', pattern: '你好', encoding: 'gbk' },
      reply: { format: 'text', value: '{{$0}}', encoding: 'utf-8' },
    });
    expect(reply(r, gbk)).toEqual(text('你好'));
  });

  it('an empty contains/starts/ends pattern is refused: it would answer everything', () => {
    const result = compileRule(rule({ match: { on: 'text', kind: 'contains', pattern: '' }, reply: { format: 'text', value: 'x' } }));
    expect(result.ok).toBe(false);
  });
});

describe('regex captures', () => {
  it('numbered and named groups fill the reply', () => {
    const r = rule({
      match: { on: 'text', kind: 'regex', pattern: '^GET (?<key>\\w+) (\\d+)$' },
      reply: { format: 'text', value: 'VALUE {{$key}}={{ $2 }} ({{$1}})\\n' },
    });
    expect(ascii(reply(r, text('GET temp 42')) as Uint8Array)).toBe('VALUE temp=42 (temp)\n');
  });

  it('a group that took no part is empty', () => {
    const r = rule({ match: { on: 'text', kind: 'regex', pattern: 'A(x)?B' }, reply: { format: 'text', value: '<{{$1}}>' } });
    expect(ascii(reply(r, text('AB')) as Uint8Array)).toBe('<>');
  });

  it('a bad regex says why, in the match field', () => {
    const result = compileRule(rule({ match: { on: 'text', kind: 'regex', pattern: '(' }, reply: { format: 'text', value: 'x' } }));
    expect(result).toMatchObject({ ok: false, problem: { field: 'match' } });
    if (!result.ok) expect(result.problem.message).toMatch(/not valid: .*group/i);
  });

  it('a template naming a capture the match lacks is refused with its position', () => {
    const numbered = compileRule(
      rule({ match: { on: 'text', kind: 'regex', pattern: '(a)' }, reply: { format: 'text', value: 'xy{{$2}}' } }),
    );
    expect(numbered).toMatchObject({ ok: false, problem: { field: 'reply', index: 2 } });
    if (!numbered.ok) expect(numbered.problem.message).toContain('{{$0}} to {{$1}}');
    const named = compileRule(
      rule({ match: { on: 'text', kind: 'regex', pattern: '(?<a>x)' }, reply: { format: 'text', value: '{{$b}}' } }),
    );
    expect(named).toMatchObject({ ok: false, problem: { field: 'reply', index: 0 } });
    if (!named.ok) expect(named.problem.message).toContain('{{$a}}');
  });

  it('a capture the reply encoding cannot hold fails that reply, saying why', () => {
    const r = rule({
      match: { on: 'text', kind: 'regex', pattern: 'name=(.*)' },
      reply: { format: 'text', value: 'hi {{$1}}', encoding: 'latin1' },
    });
    expect(reply(r, text('name=Zoë'))).toEqual(Uint8Array.from([...text('hi Zo'), 0xeb]));
    expect(reply(r, text('name=张'))).toMatch(/^failed: The capture \{\{\$1\}\} cannot go into the reply: .*Latin-1/);
  });
});

describe('hex patterns', () => {
  it('?? runs are captures; a hex reply echoes them', () => {
    const r = rule({
      match: { on: 'hex', kind: 'starts', pattern: '01 03 ?? ?? 00 ??' },
      reply: { format: 'hex', value: '01 83 {{$1}} ff {{$2}}' },
    });
    expect(reply(r, Uint8Array.from([1, 3, 0xaa, 0xbb, 0, 0xcc, 9]))).toEqual(Uint8Array.from([1, 0x83, 0xaa, 0xbb, 0xff, 0xcc]));
    expect(reply(r, Uint8Array.from([1, 4, 0xaa, 0xbb, 0, 0xcc]))).toBe('no-match');
  });

  it('exact needs the length too; ends and contains find the pattern where it is', () => {
    const exact = rule({ match: { on: 'hex', kind: 'exact', pattern: '0x0a??' }, reply: { format: 'hex', value: '{{$0}}' } });
    expect(reply(exact, Uint8Array.from([10, 1]))).toEqual(Uint8Array.from([10, 1]));
    expect(reply(exact, Uint8Array.from([10, 1, 2]))).toBe('no-match');
    const ends = rule({ match: { on: 'hex', kind: 'ends', pattern: '0d 0a' }, reply: { format: 'hex', value: '06' } });
    expect(reply(ends, text('x\r\n'))).toEqual(Uint8Array.from([6]));
  });

  it('mistakes are named with their position', () => {
    expect(parseHexPattern('01 0?')).toMatchObject({ ok: false, index: 3 });
    expect(parseHexPattern('01 ?1')).toMatchObject({ ok: false, index: 3 });
    expect(parseHexPattern('01 zz')).toMatchObject({ ok: false, index: 3 });
    expect(parseHexPattern('01 1')).toMatchObject({ ok: false, index: 3 });
    expect(parseHexPattern('  ')).toMatchObject({ ok: false });
  });

  it('property: a pattern cut from a message, with bytes wildcarded, is found there and captures those bytes', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 64 }),
        fc.nat(),
        fc.nat(),
        fc.array(fc.boolean(), { minLength: 1, maxLength: 64 }),
        (message, a, b, wild) => {
          const start = a % message.length;
          const length = 1 + (b % (message.length - start));
          const slice = message.subarray(start, start + length);
          const pattern = Array.from(slice, (byte, i) => (wild[i % wild.length] ? '??' : formatHex(Uint8Array.of(byte)))).join(' ');
          const r = rule({ match: { on: 'hex', kind: 'contains', pattern }, reply: { format: 'hex', value: '{{$0}}' } });
          const out = reply(r, message);
          expect(out).toBeInstanceOf(Uint8Array);
          // The first place the pattern fits may be earlier than the cut, but must agree with it on every fixed byte.
          const got = out as Uint8Array;
          expect(got.length).toBe(length);
          got.forEach((byte, i) => {
            if (!wild[i % wild.length]) expect(byte).toBe(slice[i]);
          });
        },
      ),
    );
  });
});

describe('templates', () => {
  it('\\{{ is a literal {{, and \\\\ before {{ is a backslash then a capture', () => {
    const r = rule({ match: { on: 'text', kind: 'exact', pattern: 'x' }, reply: { format: 'text', value: '\\{{$0}} \\\\{{$0}}' } });
    expect(ascii(reply(r, text('x')) as Uint8Array)).toBe('{{$0}} \\x');
  });

  it('a name without $ that is no macro is refused with its position, naming the macros and captures', () => {
    const scan = compileRule(
      rule({ match: { on: 'text', kind: 'exact', pattern: 'x' }, reply: { format: 'text', value: 'ab{{COUNTER}}' } }),
    );
    expect(scan).toMatchObject({ ok: false, problem: { field: 'reply', index: 2 } });
    if (!scan.ok) expect(scan.problem.message).toMatch(/not a macro: use counter, timestamp, random or uuid, \{\{\$1\}\} for a capture/);
  });

  it('an unclosed {{ is refused', () => {
    expect(scanTemplate('a {{$1', true)).toMatchObject({ ok: false, index: 2 });
  });

  it('escape and hex mistakes are placed in the whole template, past the references', () => {
    const escape = compileRule(
      rule({ match: { on: 'text', kind: 'exact', pattern: 'x' }, reply: { format: 'text', value: '{{$0}}ab\\q' } }),
    );
    expect(escape).toMatchObject({ ok: false, problem: { field: 'reply', index: 8 } });
    if (!escape.ok) expect(escape.problem.message).toContain('position 8');
    const hex = compileRule(rule({ match: { on: 'hex', kind: 'exact', pattern: '01' }, reply: { format: 'hex', value: '{{$0}} 0g' } }));
    expect(hex).toMatchObject({ ok: false, problem: { field: 'reply', index: 8 } });
  });

  it('line endings follow the reply (two bytes a character in UTF-16LE)', () => {
    const r = rule({
      match: { on: 'text', kind: 'exact', pattern: 'x' },
      reply: { format: 'text', value: 'A', encoding: 'utf-16le', lineEnding: 'crlf' },
    });
    expect(reply(r, text('x'))).toEqual(Uint8Array.from([0x41, 0, 0x0d, 0, 0x0a, 0]));
  });

  it('property: a template with no references is the payload encodePayload makes', () => {
    const value = fc.string({ maxLength: 40 }).filter((s) => !s.includes('{{'));
    fc.assert(
      fc.property(
        value,
        fc.boolean(),
        fc.constantFrom('utf-8', 'latin1', 'gb18030', 'utf-16le'),
        fc.constantFrom('none', 'lf', 'crlf'),
        (v, escapes, encoding, lineEnding) => {
          const payload = payloadSchema.parse({ format: 'text', value: v, escapes, encoding, lineEnding });
          const expected = encodePayload(payload);
          const trial = tryRule(
            rule({
              match: { on: 'text', kind: 'exact', pattern: 'x' },
              reply: { format: 'text', value: v, escapes, encoding, lineEnding },
            }),
            text('x'),
          );
          if (!expected.ok) {
            expect(trial.kind).toBe('invalid');
            return;
          }
          // A lone backslash before {{ cannot occur (filtered), so the two must agree byte for byte.
          expect(trial).toMatchObject({ kind: 'match', reply: { ok: true, bytes: expected.value } });
        },
      ),
    );
  });
});

describe('rate limit', () => {
  it('property: never more than N in any window, and a refusal only when the window is full', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 1, max: 50 }),
        fc.array(fc.integer({ min: 0, max: 20 }), { maxLength: 200 }),
        (n, perMs, steps) => {
          const limit = new SlidingWindowLimit(n, perMs);
          const accepted: number[] = [];
          let now = 0;
          for (const step of steps) {
            now += step;
            const inWindow = accepted.filter((t) => now - t < perMs).length;
            const took = limit.take(now);
            expect(took).toBe(inWindow < n);
            if (took) accepted.push(now);
          }
        },
      ),
    );
  });
});

describe('the automation schema', () => {
  it('refuses two rules with one id, naming it', () => {
    const r = { id: 'same', match: { on: 'text', kind: 'exact', pattern: 'a' }, reply: { format: 'text', value: 'b' } };
    const parsed = automationSchema.safeParse({ rules: [r, r] });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((issue) => english(issuePhrase(issue))).join(' ')).toContain('Rule id same is used twice');
  });

  it('gives a rule a rate limit unless it names one', () => {
    expect(rule({ match: { on: 'hex', kind: 'exact', pattern: '01' }, reply: { format: 'hex', value: '02' } }).rateLimit).toEqual({
      replies: 100,
      perMs: 1000,
    });
  });
});

describe('a match that throws', () => {
  it("names a regular expression's runaway backtracking, in words a translation can follow", () => {
    let thrown: unknown;
    try {
      /(a|b)*c/.exec('ab'.repeat(5_000_000));
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(RangeError);
    const said = matchFailure(thrown);
    expect(said.key).toBe('match.tooDeep');
    expect(english(said)).toMatch(/backtracked deeper than the engine allows.*simplify it/);
  });

  it('keeps the words of anything else it did not expect', () => {
    expect(english(matchFailure(new TypeError('x is not a function')))).toBe('matching failed unexpectedly (x is not a function)');
  });
});
