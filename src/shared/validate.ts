import type { z } from 'zod';
import { phrase, type Phrase, type PhraseKey, type PhraseParam } from './phrase';

/** Longest part of a refusal: unknown keys and their paths come from the caller and may be megabytes. */
const MAX_PART_LENGTH = 200;

export function clip(text: string): string {
  if (text.length <= MAX_PART_LENGTH) return text;
  // Not between the two halves of a surrogate pair, which would leave half a character.
  const end = /[\uD800-\uDBFF]/.test(text[MAX_PART_LENGTH - 1]!) ? MAX_PART_LENGTH - 1 : MAX_PART_LENGTH;
  return `${text.slice(0, end)}… (${text.length - end} more characters)`;
}

/**
 * A zod issue carries one string, so a schema's phrase travels in it as marked JSON, and
 * `issuePhrase` reads it back: every reader of issues goes through that one function.
 */
const MARK = '\u0001phrase:';

/** A schema's message: a phrase the page renders in the user's language and scripts read in English. */
export function says(key: PhraseKey, params?: Readonly<Record<string, PhraseParam>>): string {
  return MARK + JSON.stringify(phrase(key, params));
}

interface IssueLike {
  code?: string;
  message: string;
  keys?: readonly string[];
  expected?: unknown;
  values?: readonly unknown[];
  options?: readonly unknown[];
}

/** What an issue says, as a phrase: a schema's own words, or zod's, named by the issue's code. */
export function issuePhrase(issue: IssueLike): Phrase {
  if (issue.message.startsWith(MARK)) {
    try {
      return JSON.parse(issue.message.slice(MARK.length)) as Phrase;
    } catch {
      // Not ours after all; said as it is below.
    }
  }
  // Zod's own words stay the English; the structured fields let another language say the same.
  const message = clip(issue.message);
  if (issue.code === 'unrecognized_keys' && issue.keys) return phrase('zod.unknownKeys', { message, keys: namedKeys(issue.keys) });
  if (issue.code === 'invalid_type' && typeof issue.expected === 'string') return phrase('zod.type', { message, expected: issue.expected });
  const options = issue.values ?? issue.options;
  if ((issue.code === 'invalid_value' || issue.code === 'invalid_union') && options) {
    return phrase('zod.option', { message, options: clip(options.map((value) => JSON.stringify(value)).join(', ')) });
  }
  return phrase('zod.invalid', { message });
}

const joined = (parts: readonly Phrase[]): Phrase =>
  parts.length === 1 ? parts[0]! : phrase('call.issuesThen', { first: parts[0]!, rest: joined(parts.slice(1)) });

/** One message naming every field at fault (the first five), for a refused call. */
export function describeIssues(method: string, error: z.ZodError): Phrase {
  const parts = error.issues.slice(0, 5).map((issue) => {
    const said = issuePhrase(issue);
    return issue.path.length > 0 ? phrase('call.issueAt', { path: clip(issue.path.map(String).join('.')), issue: said }) : said;
  });
  if (error.issues.length > 5) return phrase('call.invalidMore', { method, issues: joined(parts), more: String(error.issues.length - 5) });
  return phrase('call.invalid', { method, issues: joined(parts) });
}

/** Unknown keys for a message: the first few, each clipped, with how many more there are. */
export function namedKeys(keys: readonly string[]): string {
  const shown = keys.slice(0, 5).map((key) => JSON.stringify(key.length > 64 ? `${key.slice(0, 64)}…` : key));
  return keys.length > 5 ? `${shown.join(', ')} (and ${keys.length - 5} more)` : shown.join(', ');
}

/** Whether `value` is one of the strings of `list` (a contract's enumeration, say). */
export const isOneOf = <T extends string>(list: readonly T[], value: unknown): value is T =>
  typeof value === 'string' && (list as readonly string[]).includes(value);
