import { AppCode, hintFor } from '@shared/errors';
import { isPhraseKey, phrase, type Phrase } from '@shared/phrase';
import { appError, type AppError } from '@shared/result';
import type { RecordFileFailure } from './record-file';

/**
 * An OS error on a file or folder of recordings: its code, what it means (`file.<code>`), and
 * what to do about it (`hint.file.<code>`). A code without words of its own is named as it is;
 * an error with no code is not the OS's, so it is INTERNAL rather than a guessed EIO. Node's own
 * message is English only and stays out of the phrase.
 */
export function fileProblem(err: unknown): { code: string; problem: Phrase; hint: Phrase } {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code !== 'string' || code === '')
    return { code: AppCode.Internal, problem: phrase('file.noCode'), hint: phrase('hint.file.other') };
  const problem = `file.${code}`;
  const hint = `hint.file.${code}`;
  if (isPhraseKey(problem) && isPhraseKey(hint)) return { code, problem: phrase(problem), hint: phrase(hint) };
  return { code, problem: phrase('file.otherCode'), hint: phrase('hint.file.other') };
}

/** A recording that could not start: the folder or the file could not be created. */
export function startError(sessionId: string, where: string, err: unknown): AppError {
  const { code, problem, hint } = fileProblem(err);
  return appError(code, phrase('record.cannotStart', { sessionId, where, problem, code }), phrase('hint.recordAgain', { hint }));
}

/** A recording that stopped because its file could no longer be written. */
export function writeError(sessionId: string, file: string, failure: RecordFileFailure): AppError {
  if (failure.kind === 'deleted') return appError('ENOENT', phrase('record.deleted', { sessionId, file }), phrase('hint.recordingDeleted'));
  const { code, problem, hint } = fileProblem(failure.error);
  return appError(code, phrase('record.writeFailed', { sessionId, file, problem, code }), phrase('hint.recordAgain', { hint }));
}

/**
 * Datagrams the recorder had to leave out because the disk fell too far behind: only datagrams
 * are (UDP, a relay over UDP, cannot be paused; TCP stops reading instead).
 */
export function unrecordedError(sessionId: string, lost: { messages: number; bytes: number; since: number }): AppError {
  const what = phrase('record.datagrams', { count: lost.messages });
  return appError(
    AppCode.RecordingBehind,
    phrase('record.behind', { sessionId, what, bytes: lost.bytes, since: new Date(lost.since).toISOString() }),
    hintFor(AppCode.RecordingBehind),
  );
}

/** A TLS key log line that could not be appended: the key log ends there, the recording goes on. */
export function keyLogError(file: string, err: unknown): AppError {
  const { code, problem, hint } = fileProblem(err);
  return appError(code, phrase('tls.keyLogFailed', { file, why: problem, code }), hint);
}
