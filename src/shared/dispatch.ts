import type { z } from 'zod';
import { argSchemas, type EngineApi, type MethodName, type MethodResults } from './contract';
import { AppCode, hintFor } from './errors';
import { fail, type Result } from './result';
import { describeIssues } from './validate';

/**
 * Check a method name against a table of schemas, validate the argument with that method's
 * strict schema, call the handler, and let nothing thrown escape.
 */
export async function dispatchWith<N extends string>(
  schemas: Readonly<Record<N, z.ZodType>>,
  handlers: Readonly<Record<N, (args: never) => Promise<Result<unknown>>>>,
  method: unknown,
  raw: unknown,
): Promise<Result<unknown>> {
  if (typeof method !== 'string' || !Object.hasOwn(schemas, method)) {
    const shown = typeof method === 'string' ? `"${method.slice(0, 64)}"` : typeof method;
    return fail(AppCode.InvalidArgument, `Unknown method ${shown}.`, hintFor(AppCode.InvalidArgument));
  }
  const name = method as N;
  const parsed = schemas[name].safeParse(raw);
  if (!parsed.success) return fail(AppCode.InvalidArgument, describeIssues(name, parsed.error), hintFor(AppCode.InvalidArgument));
  try {
    // The schema for `method` produced the argument, so the pairing is sound.
    return await (handlers[name] as (a: unknown) => Promise<Result<unknown>>)(parsed.data);
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    return fail(AppCode.Internal, `${name} failed unexpectedly: ${detail}`, hintFor(AppCode.Internal));
  }
}

/** The one path from any transport into the engine. */
export function dispatch(api: EngineApi, method: unknown, raw: unknown): Promise<Result<MethodResults[MethodName]>> {
  return dispatchWith(argSchemas, api, method, raw) as Promise<Result<MethodResults[MethodName]>>;
}
