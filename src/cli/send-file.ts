/**
 * `sendFile`, a method of the stdio mode alone: a script names a file by its path and the CLI
 * streams it to a session, chunk by chunk, waiting whenever the peers' send queue is full. The
 * desktop app and browser mode never take a path from their page, so the contract has no such
 * method; their page sends a file it read itself.
 */
import { open } from 'node:fs/promises';
import { z } from 'zod';
import { sendInChunks } from '@shared/chunked-send';
import { sendRouteSchema, type EngineApi, type SendReceipt } from '@shared/contract';
import { AppCode, hintFor } from '@shared/errors';
import { FILE_CHUNK_BYTES, QUEUE_RETRY_MS, UDP_FILE_CHUNK_BYTES } from '@shared/limits';
import { fail, ok, type Result } from '@shared/result';
import { phrase, type Phrase } from '@shared/phrase';
import { says } from '@shared/validate';

/** Longest path a command may name: far beyond any OS's, short enough to quote in a message. */
const MAX_PATH_LENGTH = 4096;

export const sendFileSchema = sendRouteSchema.extend({
  path: z
    .string({ error: says('sendFile.pathType') })
    .min(1, says('sendFile.pathEmpty'))
    .max(MAX_PATH_LENGTH, says('sendFile.pathTooLong', { max: MAX_PATH_LENGTH })),
});
export type SendFileArgs = z.output<typeof sendFileSchema>;

/** Wakes file sends waiting for room when a connection of their session is unblocked. */
export class RoomSignals {
  private readonly waiting = new Map<string, Set<() => void>>();

  unblocked(sessionId: string): void {
    const wakers = this.waiting.get(sessionId);
    this.waiting.delete(sessionId);
    for (const wake of wakers ?? []) wake();
  }

  /** Resolves at the next unblocking of the session, or after QUEUE_RETRY_MS in case it was missed. */
  wait(sessionId: string): Promise<void> {
    return new Promise((resolve) => {
      const wakers = this.waiting.get(sessionId) ?? new Set();
      this.waiting.set(sessionId, wakers);
      const wake = () => {
        clearTimeout(timer);
        wakers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, QUEUE_RETRY_MS);
      wakers.add(wake);
    });
  }
}

/**
 * What an OS error on the file to send means. Not the recordings' `fileProblem`: its words are
 * about a folder of recordings, and a missing file here is the path's fault, not a vanished folder.
 */
function fileToSendProblem(err: unknown): { code: string; problem: Phrase } {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code !== 'string' || code === '') return { code: AppCode.Internal, problem: phrase('file.noCode') };
  switch (code) {
    case 'ENOENT':
    case 'ENOTDIR':
      return { code, problem: phrase('sendFile.noSuchFile') };
    case 'EACCES':
    case 'EPERM':
    case 'EIO':
    case 'EMFILE':
    case 'ENFILE':
      return { code, problem: phrase(`file.${code}`) };
    default:
      return { code, problem: phrase('file.otherCode') };
  }
}

export function sendFile(engine: EngineApi, rooms: RoomSignals) {
  return async ({ sessionId, path, to }: SendFileArgs): Promise<Result<SendReceipt>> => {
    const sessions = await engine.list({});
    const session = sessions.ok ? sessions.value.find((s) => s.id === sessionId) : undefined;
    if (!session) return fail(AppCode.NotFound, phrase('session.missing', { sessionId }), hintFor(AppCode.NotFound));
    let handle;
    try {
      handle = await open(path, 'r');
    } catch (err) {
      const { code, problem } = fileToSendProblem(err);
      return fail(code, phrase('sendFile.cannotOpen', { path, code, problem }), phrase('hint.sendFile.cannotOpen'));
    }
    try {
      const info = await handle.stat();
      if (!info.isFile()) return fail(AppCode.InvalidArgument, phrase('sendFile.notAFile', { path }), phrase('hint.sendFile.notAFile'));
      let targets = 0;
      const outcome = await sendInChunks({
        size: info.size,
        read: async (start, end) => {
          const buffer = new Uint8Array(end - start);
          const { bytesRead } = await handle.read(buffer, 0, buffer.byteLength, start);
          return buffer.subarray(0, bytesRead);
        },
        send: async (chunk) => {
          const result = await engine.send({ sessionId, bytes: chunk, ...(to ? { to } : {}) });
          if (result.ok) targets = result.value.targets;
          return result;
        },
        waitForRoom: () => rooms.wait(sessionId),
        onProgress: () => undefined,
        signal: { aborted: false },
        chunkBytes: session.kind === 'udp' ? UDP_FILE_CHUNK_BYTES : FILE_CHUNK_BYTES,
      });
      if (outcome.done) return ok({ bytes: outcome.sent, targets });
      const error = outcome.error!;
      return fail(
        error.code,
        phrase('sendFile.stopped', { problem: error.i18n.message, sent: outcome.sent, size: info.size, path }),
        error.i18n.hint,
      );
    } catch (err) {
      const { code, problem } = fileToSendProblem(err);
      return fail(code, phrase('sendFile.readFailed', { path, code, problem }), phrase('hint.sendFile.readFailed'));
    } finally {
      await handle.close();
    }
  };
}
