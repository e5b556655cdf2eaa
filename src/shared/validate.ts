import type { z } from 'zod';
import { argSchemas, type MethodName, type ParsedArgs } from './contract';
import { AppCode, hintFor } from './errors';
import { fail, ok, type Result } from './result';

function describeIssues(method: string, error: z.ZodError): string {
  const parts = error.issues.slice(0, 5).map((issue) => {
    const where = issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
    return `${where}${issue.message}`;
  });
  const more = error.issues.length > 5 ? ` (and ${error.issues.length - 5} more)` : '';
  return `Invalid arguments for ${method}: ${parts.join('; ')}${more}`;
}

/** Check one call's argument against its schema; the message names every field at fault. */
export function parseArgs<M extends MethodName>(method: M, raw: unknown): Result<ParsedArgs<M>> {
  const parsed = argSchemas[method].safeParse(raw);
  if (parsed.success) return ok(parsed.data as ParsedArgs<M>);
  return fail(AppCode.InvalidArgument, describeIssues(method, parsed.error), hintFor(AppCode.InvalidArgument));
}

export function isMethodName(value: unknown): value is MethodName {
  return typeof value === 'string' && Object.hasOwn(argSchemas, value);
}
