/**
 * The auto-reply rules' checks travel as phrases, so the rule editor says them in the user's
 * language: each problem reads in Chinese with no English sentence left in it.
 */
import { describe, expect, it } from 'vitest';
import { autoReplyRuleSchema, automationSchema, type AutoReplyRuleInput } from '@shared/contract';
import { issuePhrase } from '@shared/validate';
import { compileRule } from '@shared/auto-reply';
import { english } from '@shared/phrase';
import { sayer } from '@renderer/i18n/languages';

const rule = (input: Omit<AutoReplyRuleInput, 'id'>) => autoReplyRuleSchema.parse({ id: 'r1', ...input });
const say = sayer('zh-CN');

const broken: [string, Omit<AutoReplyRuleInput, 'id'>, string][] = [
  ['a lone ?', { match: { on: 'hex', kind: 'exact', pattern: '01 ?' }, reply: { format: 'hex', value: '02' } }, '通配符是两个问号'],
  ['an empty 0x', { match: { on: 'hex', kind: 'exact', pattern: '0x' }, reply: { format: 'hex', value: '02' } }, '“0x”之后应有'],
  ['a stray character', { match: { on: 'hex', kind: 'exact', pattern: '01 zz' }, reply: { format: 'hex', value: '02' } }, "意外的字符 'z'"],
  ['one digit', { match: { on: 'hex', kind: 'exact', pattern: '01 2' }, reply: { format: 'hex', value: '02' } }, '只有一位'],
  [
    'an empty hex pattern',
    { match: { on: 'hex', kind: 'exact', pattern: ' ' }, reply: { format: 'hex', value: '02' } },
    '十六进制模式为空',
  ],
  ['an empty prefix', { match: { on: 'text', kind: 'starts', pattern: '' }, reply: { format: 'text', value: 'x' } }, '消息开头'],
  ['a bad regex', { match: { on: 'text', kind: 'regex', pattern: '(' }, reply: { format: 'text', value: 'x' } }, '正则表达式无效'],
  ['an open {{', { match: { on: 'text', kind: 'exact', pattern: 'a' }, reply: { format: 'text', value: 'x {{$0' } }, '没有闭合'],
  [
    'a missing capture',
    { match: { on: 'text', kind: 'exact', pattern: 'a' }, reply: { format: 'text', value: '{{$3}}' } },
    '没有第 3 个捕获',
  ],
  [
    'a missing named capture',
    { match: { on: 'text', kind: 'regex', pattern: '(?<id>a)' }, reply: { format: 'text', value: '{{$name}}' } },
    '没有名为 name 的捕获',
  ],
  ['no capture at all', { match: { on: 'text', kind: 'exact', pattern: 'a' }, reply: { format: 'text', value: '{{$-}}' } }, '不是捕获'],
];

describe('rule problems in Chinese', () => {
  for (const [what, input, words] of broken) {
    it(`says ${what} in Chinese, and the same in English as before`, () => {
      const compiled = compileRule(rule(input));
      expect(compiled.ok).toBe(false);
      if (compiled.ok) return;
      const { phrase, message } = compiled.problem;
      expect(phrase).toBeDefined();
      expect(english(phrase!)).toBe(message);
      const chinese = say(phrase!);
      expect(chinese).toContain(words);
      // Letters left are the pattern's own, a code or the engine's words for a regex: never a sentence.
      if (what !== 'a bad regex') expect(chinese).not.toMatch(/[A-Za-z]{3,} [A-Za-z]{3,}/);
    });
  }
});

describe('automation schema problems in Chinese', () => {
  const problems = (input: unknown) => {
    const parsed = automationSchema.safeParse(input);
    expect(parsed.success).toBe(false);
    return parsed.error!.issues.map((issue) => issuePhrase(issue));
  };
  const reply = { match: { on: 'text', kind: 'exact', pattern: 'a' }, reply: { format: 'text', value: 'b' } } as const;
  const cases: [string, unknown, string, string][] = [
    ['a delimiter that is not hex', { framing: { mode: 'delimiter', delimiter: '0d zz' } }, '分隔符：', 'Delimiter: Unexpected character'],
    ['an odd delimiter', { framing: { mode: 'delimiter', delimiter: '0d 0' } }, '十六进制数字个数为奇数', 'Delimiter: Odd number'],
    ['an empty delimiter', { framing: { mode: 'delimiter', delimiter: ' ' } }, '分隔符为空', 'The delimiter is empty'],
    [
      'a rule id used twice',
      {
        rules: [
          { id: 'same', ...reply },
          { id: 'same', ...reply },
        ],
      },
      '规则 id same 用了两次',
      'Rule id same is used twice',
    ],
    ['a bad framing mode', { framing: { mode: 'lines' } }, '分帧方式', 'Framing mode is raw'],
    ['a bad silence action', { liveness: { silenceMs: 10, action: 'panic' } }, '静默时的动作', 'On silence: stale'],
  ];
  for (const [what, input, chineseWords, englishWords] of cases) {
    it(`says ${what} in Chinese, and in English for scripts`, () => {
      const [said] = problems(input);
      expect(english(said!)).toContain(englishWords);
      const chinese = say(said!);
      expect(chinese).toContain(chineseWords);
      expect(chinese).not.toMatch(/[A-Za-z]{3,} [A-Za-z]{3,}/);
    });
  }
});
