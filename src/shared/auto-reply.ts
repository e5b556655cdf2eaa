/**
 * One auto-reply rule made ready to run: its matcher and its reply template, checked together
 * (a template may only name captures the match has). The engine compiles each rule once when
 * automation is set; the page compiles the same way to mark a mistake while the user types and to
 * test a rule on a message before enabling it.
 */
import type { AutoReplyRule } from './contract';
import { compileTemplate, renderTemplate, type RenderResult, type ReplyTemplate } from './reply-template';
import type { MacroContext } from './macros';
import { compileMatch, MessageText, type MatchResult, type Matcher } from './rule-match';
import type { TextProblem } from './text-encoding';

export interface CompiledRule {
  matcher: Matcher;
  template: ReplyTemplate;
}

/** Where a rule is wrong: its match pattern or its reply, the words, and the position in that field. */
export interface RuleProblem extends TextProblem {
  field: 'match' | 'reply';
}

export type RuleCompile = { ok: true; rule: CompiledRule } | { ok: false; problem: RuleProblem };

export function compileRule(rule: Pick<AutoReplyRule, 'match' | 'reply'>): RuleCompile {
  const matcher = compileMatch(rule.match);
  if (!matcher.ok)
    return { ok: false, problem: { field: 'match', message: matcher.message, phrase: matcher.phrase, index: matcher.index } };
  const template = compileTemplate(rule.reply, matcher.matcher.names);
  if (!template.ok)
    return { ok: false, problem: { field: 'reply', message: template.message, phrase: template.phrase, index: template.index } };
  return { ok: true, rule: { matcher: matcher.matcher, template: template.template } };
}

export type RuleTrial =
  { kind: 'invalid'; problem: RuleProblem } | { kind: 'no-match' } | { kind: 'match'; match: MatchResult; reply: RenderResult };

/**
 * What the rule would do with this message: nothing, or the reply it would send (or why it could
 * not). `macros`: what a trial fills macros with (the page's clock and randomness, counters of its
 * own, which never advance); without it a reply with macros says they are the engine's to fill.
 */
export function tryRule(rule: Pick<AutoReplyRule, 'match' | 'reply'>, message: Uint8Array, macros?: MacroContext): RuleTrial {
  const compiled = compileRule(rule);
  if (!compiled.ok) return { kind: 'invalid', problem: compiled.problem };
  const match = compiled.rule.matcher.match(new MessageText(message));
  if (!match) return { kind: 'no-match' };
  return { kind: 'match', match, reply: renderTemplate(compiled.rule.template, { match, macros, advance: false }) };
}
