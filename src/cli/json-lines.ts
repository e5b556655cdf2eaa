import { encodeBase64 } from '@shared/base64';
import type { EngineApi, InspectorEvent } from '@shared/contract';
import { dispatch } from '@shared/dispatch';
import { AppCode, hintFor } from '@shared/errors';
import { formatHex } from '@shared/hex';
import type { AppError } from '@shared/result';
import { clip, namedKeys } from '@shared/validate';

export type BytesEncoding = 'base64' | 'hex';

/**
 * One event as one line: the contract's event with `kind: "event"` in front, and its bytes as a
 * base64 or hex string (as the `ready` line states).
 */
export function eventLine(event: InspectorEvent, bytes: BytesEncoding): string {
  return JSON.stringify({ kind: 'event', ...event }, (_key, value: unknown) => {
    if (!(value instanceof Uint8Array)) return value;
    return bytes === 'hex' ? formatHex(value, '') : encodeBase64(value);
  });
}

export function readyLine(version: string, bytes: BytesEncoding, methods: readonly string[]): string {
  return JSON.stringify({ kind: 'ready', app: 'socket-inspector', version, bytes, methods });
}

function errorLine(lineNumber: number, id: unknown, error: AppError): string {
  return JSON.stringify({ kind: 'error', line: lineNumber, ...(id === undefined ? {} : { id }), error });
}

const invalid = (message: string): AppError => ({ code: AppCode.InvalidArgument, message, hint: hintFor(AppCode.InvalidArgument) });

function validId(id: unknown): boolean {
  return id === undefined || (typeof id === 'string' && id.length <= 64) || Number.isSafeInteger(id);
}

/** The answer to a line too long to read: it was let go of unread, and the next line runs as usual. */
export function tooLongLine(lineNumber: number, bytes: number, maxBytes: number): string {
  return errorLine(
    lineNumber,
    undefined,
    invalid(`Line ${lineNumber} is ${bytes} bytes long, more than the ${maxBytes} a command may take; it was not read. Send large payloads in parts.`),
  );
}

/**
 * Run one input line: `{"id": 1, "method": "open", "args": {…}}`. The answer is a `result` line
 * echoing the id, or an `error` line naming the line number and what is wrong with it. Blank
 * lines are skipped.
 */
export async function runCommandLine(api: EngineApi, line: string, lineNumber: number): Promise<string | undefined> {
  if (line.trim() === '') return undefined;
  let command: unknown;
  try {
    command = JSON.parse(line);
  } catch (err) {
    return errorLine(lineNumber, undefined, invalid(`Line ${lineNumber} is not JSON: ${clip((err as Error).message)}.`));
  }
  if (typeof command !== 'object' || command === null || Array.isArray(command)) {
    return errorLine(lineNumber, undefined, invalid(`Line ${lineNumber} must be an object {"id", "method", "args"}.`));
  }
  const { id, method, args } = command as { id?: unknown; method?: unknown; args?: unknown };
  if (!validId(id)) return errorLine(lineNumber, undefined, invalid(`Line ${lineNumber}: "id" must be a whole number or a string of at most 64 characters.`));
  const extra = Object.keys(command).filter((key) => key !== 'id' && key !== 'method' && key !== 'args');
  if (extra.length > 0) return errorLine(lineNumber, id, invalid(`Line ${lineNumber}: unknown field ${namedKeys(extra)}; a command has only id, method and args.`));
  // Left out, args means {} (list); given, it must be the argument object, so null is refused.
  const result = await dispatch(api, method, Object.hasOwn(command, 'args') ? args : {});
  if (!result.ok && result.error.code === AppCode.InvalidArgument) return errorLine(lineNumber, id, result.error);
  return JSON.stringify({ kind: 'result', ...(id === undefined ? {} : { id }), ...result });
}
