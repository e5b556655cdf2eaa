import type { z } from 'zod';

/** One message naming every field at fault (the first five), for a refused call. */
export function describeIssues(method: string, error: z.ZodError): string {
  const parts = error.issues.slice(0, 5).map((issue) => {
    const where = issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
    return `${where}${issue.message}`;
  });
  const more = error.issues.length > 5 ? ` (and ${error.issues.length - 5} more)` : '';
  return `Invalid arguments for ${method}: ${parts.join('; ')}${more}`;
}
