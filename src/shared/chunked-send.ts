/**
 * Sending a file in chunks, whatever reads it (a Blob in the page, a file handle in the CLI) and
 * whatever carries the send: each chunk is sent after the previous one was accepted, and a full
 * send queue (a connection's, or the budget over all of them) waits for room and sends the chunk
 * again. Only one chunk is in memory at a time.
 */
import { AppCode } from './errors';
import type { SendReceipt } from './contract';
import type { AppError, Result } from './result';

/** An AbortSignal, as far as the loop needs one (shared code knows neither the DOM's nor Node's). */
export interface Cancellation {
  readonly aborted: boolean;
}

export interface ChunkedSendOptions {
  size: number;
  /** The bytes from `start` up to `end`. */
  read(start: number, end: number): Promise<Uint8Array>;
  send(chunk: Uint8Array): Promise<Result<SendReceipt>>;
  /** Resolves once the peers have read enough to take more, or after QUEUE_RETRY_MS. */
  waitForRoom(signal: Cancellation): Promise<void>;
  onProgress(sent: number): void;
  signal: Cancellation;
  chunkBytes: number;
}

export type ChunkedSendOutcome = { done: true; sent: number } | { done: false; sent: number; error: AppError | undefined };

/** Cancelling ends it between chunks, with `error` undefined. */
export async function sendInChunks({
  size,
  read,
  send,
  waitForRoom,
  onProgress,
  signal,
  chunkBytes,
}: ChunkedSendOptions): Promise<ChunkedSendOutcome> {
  let sent = 0;
  while (sent < size) {
    if (signal.aborted) return { done: false, sent, error: undefined };
    const end = Math.min(size, sent + chunkBytes);
    const chunk = await read(sent, end);
    for (;;) {
      if (signal.aborted) return { done: false, sent, error: undefined };
      const result = await send(chunk);
      if (result.ok) break;
      if (result.error.code !== AppCode.QueueFull && result.error.code !== AppCode.BudgetFull)
        return { done: false, sent, error: result.error };
      await waitForRoom(signal);
    }
    sent = end;
    onProgress(sent);
  }
  return { done: true, sent };
}
