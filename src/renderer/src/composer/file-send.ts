import { sendInChunks, type ChunkedSendOutcome } from '@shared/chunked-send';
import type { Result } from '@shared/result';
import type { SendReceipt } from '@shared/contract';

export interface FileSendOptions {
  file: Blob;
  /** Sends one chunk, as bytes. */
  send(chunk: Uint8Array): Promise<Result<SendReceipt>>;
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

export type FileSendOutcome = ChunkedSendOutcome;

/** A file picked in the page, sent with the shared chunk loop; each chunk travels as bytes. */
export function sendFile({ file, send, waitForRoom, onProgress, signal, chunkBytes }: FileSendOptions): Promise<FileSendOutcome> {
  return sendInChunks({
    size: file.size,
    read: (start, end) => readBytes(file.slice(start, end)),
    send,
    waitForRoom,
    onProgress,
    signal,
    chunkBytes,
  });
}
