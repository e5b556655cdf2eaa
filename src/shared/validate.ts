import type { z } from 'zod';

/** Longest part of a refusal: unknown keys and their paths come from the caller and may be megabytes. */
const MAX_PART_LENGTH = 200;

export function clip(text: string): string {
  if (text.length <= MAX_PART_LENGTH) return text;
  // Not between the two halves of a surrogate pair, which would leave half a character.
  const end = /[\uD800-\uDBFF]/.test(text[MAX_PART_LENGTH - 1]!) ? MAX_PART_LENGTH - 1 : MAX_PART_LENGTH;
  return `${text.slice(0, end)}… (${text.length - end} more characters)`;
}

/** One message naming every field at fault (the first five), for a refused call. */
export function describeIssues(method: string, error: z.ZodError): string {
  const parts = error.issues.slice(0, 5).map((issue) => {
    const where = issue.path.length > 0 ? `${clip(issue.path.map(String).join('.'))}: ` : '';
    return `${where}${clip(issue.message)}`;
  });
  const more = error.issues.length > 5 ? ` (and ${error.issues.length - 5} more)` : '';
  return `Invalid arguments for ${method}: ${parts.join('; ')}${more}`;
}

/** Unknown keys for a message: the first few, each clipped, with how many more there are. */
export function namedKeys(keys: readonly string[]): string {
  const shown = keys.slice(0, 5).map((key) => JSON.stringify(key.length > 64 ? `${key.slice(0, 64)}…` : key));
  return keys.length > 5 ? `${shown.join(', ')} (and ${keys.length - 5} more)` : shown.join(', ');
}

/** Whether `value` is one of the strings of `list` (a contract's enumeration, say). */
export const isOneOf = <T extends string>(list: readonly T[], value: unknown): value is T =>
  typeof value === 'string' && (list as readonly string[]).includes(value);
