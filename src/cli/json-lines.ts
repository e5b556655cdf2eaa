import { encodeBase64 } from '@shared/base64';
import type { InspectorEvent } from '@shared/contract';
import { answerCall, readCallText, refusal, type Answer, type CallRunner } from '@shared/envelope';
import { formatHex } from '@shared/hex';

export type BytesEncoding = 'base64' | 'hex';

/**
 * One event as one line: the contract's event with `kind: "event"` in front, and its bytes as a
 * base64 or hex string (as the `ready` line states).
 */
export function eventLine(event: InspectorEvent, bytes: BytesEncoding): string {
  return JSON.stringify({ kind: 'event', ...event }, bytesAs(bytes));
}

/** Bytes anywhere in a line, as the `ready` line states: an event's, or those in an answer (history, preview, held). */
const bytesAs =
  (bytes: BytesEncoding) =>
  (_key: string, value: unknown): unknown => {
    if (!(value instanceof Uint8Array)) return value;
    return bytes === 'hex' ? formatHex(value, '') : encodeBase64(value);
  };

export function readyLine(version: string, bytes: BytesEncoding, lossless: boolean, methods: readonly string[]): string {
  return JSON.stringify({ kind: 'ready', app: 'socket-inspector', version, bytes, lossless, methods });
}

/**
 * An answer as one line. With an id it is a `result` line echoing it, whatever happened; without
 * one a failure is an `error` line naming the line number instead, so a script can still tell
 * which line it answers.
 */
function answerLine({ id, result }: Answer, lineNumber: number, bytes: BytesEncoding = 'base64'): string {
  if (id === undefined && !result.ok) return JSON.stringify({ kind: 'error', line: lineNumber, error: result.error });
  return JSON.stringify({ kind: 'result', ...(id === undefined ? {} : { id }), ...result }, bytesAs(bytes));
}

/** The answer to a line too long to read: it was let go of unread, and the next line runs as usual. */
export function tooLongLine(lineNumber: number, bytes: number, maxBytes: number): string {
  return answerLine(
    refusal(
      `Line ${lineNumber} is ${bytes} bytes long, more than the ${maxBytes} a command may take; it was not read. Send large payloads in parts.`,
    ),
    lineNumber,
  );
}

/** Run one input line, a call envelope as JSON text; blank lines are skipped. */
export async function runCommandLine(
  run: CallRunner,
  line: string,
  lineNumber: number,
  bytes?: BytesEncoding,
): Promise<string | undefined> {
  if (line.trim() === '') return undefined;
  return answerLine(await answerCall(readCallText(line), run), lineNumber, bytes);
}
