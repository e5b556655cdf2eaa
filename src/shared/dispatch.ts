import type { EngineApi, MethodName, MethodResults } from './contract';
import { AppCode, hintFor } from './errors';
import { fail, type Result } from './result';
import { isMethodName, parseArgs } from './validate';

/**
 * The one path from any transport into the engine: the method name is checked, the argument is
 * validated against the contract's strict schema, and nothing thrown escapes.
 */
export async function dispatch(api: EngineApi, method: unknown, raw: unknown): Promise<Result<MethodResults[MethodName]>> {
  if (!isMethodName(method)) {
    const shown = typeof method === 'string' ? `"${method.slice(0, 64)}"` : typeof method;
    return fail(AppCode.InvalidArgument, `Unknown method ${shown}.`, hintFor(AppCode.InvalidArgument));
  }
  const args = parseArgs(method, raw);
  if (!args.ok) return args;
  try {
    // The schema for `method` produced `args`, so the pairing is sound.
    return await (api[method] as (a: unknown) => Promise<Result<MethodResults[MethodName]>>)(args.value);
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    return fail(AppCode.Internal, `${method} failed unexpectedly: ${detail}`, hintFor(AppCode.Internal));
  }
}
