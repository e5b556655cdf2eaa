/** Turning form text into values the contract's schemas can judge. */

/**
 * The number typed in a port field. Empty or non-numeric text becomes NaN so the schema
 * reports it, rather than Number('') quietly meaning port 0.
 */
export function parsePortText(text: string): number {
  const trimmed = text.trim();
  if (trimmed === '' || !/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(trimmed)) return Number.NaN;
  return Number(trimmed);
}

type Checked = { success: true } | { success: false; error: { issues: readonly { message: string }[] } };

/** The schema's own words for what is wrong, or undefined when the value passed. */
export function firstIssue(result: Checked): string | undefined {
  if (result.success) return undefined;
  // A failed parse always carries at least one issue.
  return result.error.issues.map((issue) => issue.message).join(' ');
}
