/**
 * The call envelope, the same on every transport (Electron IPC, the browser mode's WebSocket, the
 * JSON-lines stdio mode): `{"id"?, "method", "args"?}` in, `{id?, result}` out, where `result` is
 * the contract's Result and its error an AppError. Each transport keeps only its byte framing:
 * IPC turns one invoke into an envelope, the WebSocket and stdio read JSON text into one.
 * docs/architecture.md § The transport kit.
 */
import { describeThrown } from './dispatch';
import { AppCode, hintFor } from './errors';
import { phrase } from './phrase';
import { fail, type Result } from './result';
import { clip, namedKeys } from './validate';

/** What ties an answer to its call: a whole number, or a string of at most 64 characters. */
export type CallId = number | string;
const MAX_CALL_ID_LENGTH = 64;

export interface Call {
  /** Left out, the call is still run; its answer then carries no id. */
  id?: CallId;
  /** Checked by dispatch, against the methods of the transport's API. */
  method: unknown;
  args: unknown;
}

/** The one answer every call gets. */
export interface Answer {
  /** The call's id, when it had one that could be read. */
  id?: CallId;
  result: Result<unknown>;
}

export type CallRead = { ok: true; call: Call } | { ok: false; answer: Answer };

/** Runs a read call: validates the method and arguments, calls the API, never throws. */
export type CallRunner = (method: unknown, args: unknown) => Promise<Result<unknown>>;

export const CALL_SHAPE =
  'a call is {"id": a whole number or a string of at most 64 characters (optional), "method": string, "args": object ({} when left out)}';

const CALL_FIELDS: ReadonlySet<string> = new Set(['id', 'method', 'args']);

export function isCallId(value: unknown): value is CallId {
  return (typeof value === 'string' && value.length <= MAX_CALL_ID_LENGTH) || Number.isSafeInteger(value);
}

/** A refusal of the whole call, as its answer: words for whoever wrote the script, so English alone. */
export function refusal(message: string, id?: CallId): Answer {
  const result = fail(AppCode.InvalidArgument, phrase('verbatim', { text: message }), hintFor(AppCode.InvalidArgument));
  return { ...(id === undefined ? {} : { id }), result };
}

/** An envelope as a call, or the answer refusing it (carrying the id when that could be read). */
export function readCall(value: unknown): CallRead {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { ok: false, answer: refusal(`A call must be an object: ${CALL_SHAPE}.`) };
  const { id, method, args } = value as { id?: unknown; method?: unknown; args?: unknown };
  const hasId = Object.hasOwn(value, 'id');
  if (hasId && !isCallId(id))
    return {
      ok: false,
      answer: refusal(`The call's "id" must be a whole number or a string of at most ${MAX_CALL_ID_LENGTH} characters: ${CALL_SHAPE}.`),
    };
  const known = hasId ? { id: id as CallId } : {};
  const extra = Object.keys(value).filter((key) => !CALL_FIELDS.has(key));
  if (extra.length > 0)
    return { ok: false, answer: refusal(`The call has an unknown field ${namedKeys(extra)}: ${CALL_SHAPE}.`, known.id) };
  // Left out, args means {} (list takes nothing); given, it is the argument, so null is refused.
  return { ok: true, call: { ...known, method, args: Object.hasOwn(value, 'args') ? args : {} } };
}

/** JSON text (a WebSocket frame, a stdio line) as a call. */
export function readCallText(text: string): CallRead {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return {
      ok: false,
      answer: refusal(`The call is not JSON (${clip(err instanceof Error ? err.message : String(err))}): ${CALL_SHAPE}.`),
    };
  }
  return readCall(value);
}

/** The one answer to a read envelope: its refusal, or what running it gave, under its id. */
export async function answerCall(read: CallRead, run: CallRunner): Promise<Answer> {
  if (!read.ok) return read.answer;
  const { id } = read.call;
  let result: Result<unknown>;
  try {
    result = await run(read.call.method, read.call.args);
  } catch (err) {
    // Dispatch catches what handlers throw; this keeps the one-answer promise for any runner.
    result = fail(AppCode.Internal, phrase('call.threw', { error: clip(describeThrown(err)) }), hintFor(AppCode.Internal));
  }
  return { ...(id === undefined ? {} : { id }), result };
}
