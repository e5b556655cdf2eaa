import { encodeBase64 } from '@shared/base64';
import { AppCode } from '@shared/errors';
import type { AppError, Result } from '@shared/result';
import type { SendReceipt } from '@shared/contract';

/** Bytes read and sent per call: large enough to keep a fast link busy, small enough to show progress. */
export const FILE_CHUNK_BYTES = 256 * 1024;
/**
 * Over UDP each send is one datagram: 1 KiB stays below any common path MTU, so datagrams are
 * not fragmented and a lost one costs little.
 */
export const UDP_FILE_CHUNK_BYTES = 1024;
/** How long to wait for "unblocked" before asking again anyway, in case the event was missed. */
export const QUEUE_RETRY_MS = 250;

export interface FileSendOptions {
  file: Blob;
  /** Sends one chunk as base64. */
  send(base64: string): Promise<Result<SendReceipt>>;
  /** Resolves once the peers have read enough to take more, or after `QUEUE_RETRY_MS`. */
  waitForRoom(signal: AbortSignal): Promise<void>;
  onProgress(sent: number): void;
  signal: AbortSignal;
  chunkBytes: number;
}

// FileReader rather than Blob.arrayBuffer: it reads in every DOM the app meets, jsdom included.
function readBytes(blob: Blob): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(new Uint8Array(reader.result as ArrayBuffer));
    reader.onerror = () => reject(reader.error ?? new Error('The file could not be read.'));
    reader.readAsArrayBuffer(blob);
  });
}

export type FileSendOutcome = { done: true; sent: number } | { done: false; sent: number; error: AppError | undefined };

/**
 * Streams a file chunk by chunk (Blob.slice, so only one chunk is in memory), each sent after
 * the previous one was accepted; a full send queue waits for room and sends the chunk again.
 * Cancelling ends it between chunks, with `error` undefined.
 */
export async function sendFile({ file, send, waitForRoom, onProgress, signal, chunkBytes }: FileSendOptions): Promise<FileSendOutcome> {
  let sent = 0;
  while (sent < file.size) {
    if (signal.aborted) return { done: false, sent, error: undefined };
    const end = Math.min(file.size, sent + chunkBytes);
    const chunk = encodeBase64(await readBytes(file.slice(sent, end)));
    for (;;) {
      if (signal.aborted) return { done: false, sent, error: undefined };
      const result = await send(chunk);
      if (result.ok) break;
      if (result.error.code !== AppCode.QueueFull) return { done: false, sent, error: result.error };
      await waitForRoom(signal);
    }
    sent = end;
    onProgress(sent);
  }
  return { done: true, sent };
}
