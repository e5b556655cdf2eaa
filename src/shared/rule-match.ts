/**
 * The matching half of an auto-reply rule: does a message match, and what did it capture.
 * Text rules decode the message once per encoding and compare it exactly, as a part, a prefix, a
 * suffix or by a regular expression; hex rules compare bytes, `??` matching any byte. Pure, so
 * the engine runs it on every message and the page runs the same code to test a rule before use.
 */
import type { RuleMatch, TextEncodingName } from './contract';
import { findHexPattern, hexPatternAt, parseHexPattern, type HexPattern } from './hex-pattern';
import { MAX_RULE_MESSAGE_BYTES } from './limits';
import { phrase, untranslated, type Phrase } from './phrase';
import { decodeText, textProblem, type TextProblem } from './text-encoding';

/** A captured part of a message: text (from a text rule, in the rule's encoding) or bytes (from a hex rule). */
export type Capture = { text: string; encoding: TextEncodingName } | { bytes: Uint8Array };

export interface MatchResult {
  /** 0: the whole match; 1…: the groups of a regex, or the wildcard runs of a hex pattern. */
  numbered: readonly Capture[];
  named: ReadonlyMap<string, Capture>;
}

/** The captures a rule can offer a template, known before any message: for checking `{{$3}}` up front. */
export interface CaptureNames {
  count: number;
  names: ReadonlySet<string>;
}

/** Decodes a message at most once per encoding, however many rules read it. */
export class MessageText {
  private readonly texts = new Map<TextEncodingName, string>();
  readonly bytes: Uint8Array;

  constructor(message: Uint8Array) {
    this.bytes = message.length > MAX_RULE_MESSAGE_BYTES ? message.subarray(0, MAX_RULE_MESSAGE_BYTES) : message;
  }

  text(encoding: TextEncodingName): string {
    let text = this.texts.get(encoding);
    if (text === undefined) {
      text = decodeText(this.bytes, encoding);
      this.texts.set(encoding, text);
    }
    return text;
  }
}

export interface Matcher {
  names: CaptureNames;
  match(message: MessageText): MatchResult | undefined;
}

export type MatcherCompile = { ok: true; matcher: Matcher } | ({ ok: false } & TextProblem);

const NO_NAMES: ReadonlySet<string> = new Set();

const escapeRegExp = (text: string): string => text.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');

function regexSource(match: Extract<RuleMatch, { on: 'text' }>): string {
  const literal = escapeRegExp(match.pattern);
  switch (match.kind) {
    case 'exact':
      return `^${literal}$`;
    case 'starts':
      return `^${literal}`;
    case 'ends':
      return `${literal}$`;
    case 'contains':
      return literal;
    case 'regex':
      return match.pattern;
  }
}

/** "Invalid regular expression: /(/: Unterminated group" → "Unterminated group". */
function regexProblem(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  const colon = text.lastIndexOf(': ');
  return colon === -1 ? text : text.slice(colon + 2);
}

function textMatcher(match: Extract<RuleMatch, { on: 'text' }>): MatcherCompile {
  if (match.pattern === '' && match.kind !== 'regex' && match.kind !== 'exact') {
    const key =
      match.kind === 'contains' ? 'rule.match.emptyContains' : match.kind === 'starts' ? 'rule.match.emptyStarts' : 'rule.match.emptyEnds';
    return { ok: false, ...textProblem(key, {}, 0) };
  }
  let regex: RegExp;
  try {
    regex = new RegExp(regexSource(match), match.ignoreCase ? 'i' : '');
  } catch (err) {
    // The engine's own words for what is wrong go in as they are: JavaScript has them in English only.
    return { ok: false, ...textProblem('rule.match.regex', { reason: regexProblem(err) }, 0) };
  }
  // An alternative that always matches shows how many groups the expression has, and their names.
  const probe = new RegExp(`${regex.source}|`, regex.flags).exec('')!;
  const names: CaptureNames = { count: probe.length - 1, names: probe.groups ? new Set(Object.keys(probe.groups)) : NO_NAMES };
  const { encoding } = match;
  const capture = (text: string | undefined): Capture => ({ text: text ?? '', encoding });
  return {
    ok: true,
    matcher: {
      names,
      match(message) {
        const found = regex.exec(message.text(encoding));
        if (!found) return undefined;
        const named = new Map<string, Capture>();
        if (found.groups) for (const [name, text] of Object.entries(found.groups)) named.set(name, capture(text));
        return { numbered: Array.from(found, capture), named };
      },
    },
  };
}

function hexMatcher(match: Extract<RuleMatch, { on: 'hex' }>): MatcherCompile {
  const parsed = parseHexPattern(match.pattern);
  if (!parsed.ok) return parsed;
  const pattern: HexPattern = parsed.pattern;
  const width = pattern.bytes.length;
  const at = (message: Uint8Array): number => {
    switch (match.kind) {
      case 'exact':
        return message.length === width && hexPatternAt(pattern, message, 0) ? 0 : -1;
      case 'starts':
        return hexPatternAt(pattern, message, 0) ? 0 : -1;
      case 'ends':
        return hexPatternAt(pattern, message, message.length - width) ? message.length - width : -1;
      case 'contains':
        return findHexPattern(pattern, message);
    }
  };
  return {
    ok: true,
    matcher: {
      names: { count: pattern.runs.length, names: NO_NAMES },
      match(message) {
        const offset = at(message.bytes);
        if (offset === -1) return undefined;
        const whole = message.bytes.subarray(offset, offset + width);
        const numbered: Capture[] = [{ bytes: whole }];
        for (const run of pattern.runs) numbered.push({ bytes: whole.subarray(run.start, run.start + run.length) });
        return { numbered, named: new Map() };
      },
    },
  };
}

/**
 * Why matching threw. V8's regular expressions throw a RangeError when their backtracking
 * outgrows the stack; anything else is unexpected and keeps the engine's own words.
 */
export function matchFailure(err: unknown): Phrase {
  if (err instanceof RangeError) return phrase('match.tooDeep');
  return phrase('match.threw', { detail: untranslated(err instanceof Error ? err.message : String(err)) });
}

export function compileMatch(match: RuleMatch): MatcherCompile {
  return match.on === 'text' ? textMatcher(match) : hexMatcher(match);
}
