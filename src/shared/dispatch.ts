import type { z } from 'zod';
import { argSchemas, type EngineApi, type MethodName, type MethodResults } from './contract';
import { AppCode, hintFor } from './errors';
import { phrase } from './phrase';
import { fail, type Result } from './result';
import { describeIssues } from './validate';

/**
 * The kind of an object that is not a plain one (Map, Date, Error, …), or undefined. Such objects
 * pass a zod object schema as if they were `{}`, and structured clone carries them over IPC.
 */
function exoticKind(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const proto = Object.getPrototypeOf(value) as object | null;
  // Object.prototype of any realm (its own prototype is null), or none at all.
  if (proto === null || Object.getPrototypeOf(proto) === null) return undefined;
  return Object.prototype.toString.call(value).slice(8, -1);
}

/** What was thrown, as text; some values (an object without a prototype) refuse String(). */
export function describeThrown(err: unknown): string {
  if (err instanceof Error) return err.message;
  try {
    return String(err);
  } catch {
    return `a thrown ${typeof err}`;
  }
}

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
    return fail(AppCode.InvalidArgument, phrase('call.unknownMethod', { method: shown }), hintFor(AppCode.InvalidArgument));
  }
  const name = method as N;
  const exotic = exoticKind(raw);
  if (exotic !== undefined) {
    return fail(AppCode.InvalidArgument, phrase('call.notPlain', { method: name, kind: exotic }), hintFor(AppCode.InvalidArgument));
  }
  const parsed = schemas[name].safeParse(raw);
  if (!parsed.success) return fail(AppCode.InvalidArgument, describeIssues(name, parsed.error), hintFor(AppCode.InvalidArgument));
  try {
    // The schema for `method` produced the argument, so the pairing is sound.
    return await (handlers[name] as (a: unknown) => Promise<Result<unknown>>)(parsed.data);
  } catch (err) {
    return fail(AppCode.Internal, phrase('call.failed', { method: name, error: describeThrown(err) }), hintFor(AppCode.Internal));
  }
}

/** The one path from any transport into the engine. */
export function dispatch(api: EngineApi, method: unknown, raw: unknown): Promise<Result<MethodResults[MethodName]>> {
  return dispatchWith(argSchemas, api, method, raw) as Promise<Result<MethodResults[MethodName]>>;
}
