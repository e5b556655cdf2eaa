/** Turning form text into values the contract's schemas can judge, and their verdicts into the user's words. */
import { phrase } from '@shared/phrase';
import { issuePhrase } from '@shared/validate';
import type { Say } from './i18n/languages';

/**
 * The number typed in a port field. Empty or non-numeric text becomes NaN so the schema
 * reports it, rather than Number('') quietly meaning port 0.
 */
export function parsePortText(text: string): number {
  const trimmed = text.trim();
  if (trimmed === '' || !/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(trimmed)) return Number.NaN;
  return Number(trimmed);
}

type Checked = { success: true } | { success: false; error: { issues: readonly IssueText[] } };
type IssueText = Parameters<typeof issuePhrase>[0];

/** The schema's own words for what is wrong, in the user's language, or undefined when the value passed. */
export function firstIssue(result: Checked, say: Say): string | undefined {
  if (result.success) return undefined;
  return issuesText(result.error.issues, say);
}

/** Several issues as one text, each in the user's language. */
export function issuesText(issues: readonly IssueText[], say: Say): string {
  return say(phrase('sentences', { list: issues.map(issuePhrase) }));
}
