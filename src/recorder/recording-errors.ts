import type { SessionKind } from '@shared/contract';
import { AppCode, hintFor } from '@shared/errors';
import type { AppError } from '@shared/result';
import type { RecordFileFailure } from './record-file';

/** Added to the hint where a recording failed: what brings it back. */
const AGAIN = 'Then start recording again; it starts a new file.';

/** What each OS code means for a file we write, and what to do about it. */
const PROBLEMS: Readonly<Record<string, { problem: string; hint: string }>> = {
  ENOSPC: { problem: 'the disk is full', hint: 'Free some space or choose another recordings folder.' },
  EDQUOT: { problem: 'the disk quota is used up', hint: 'Free some space or choose another recordings folder.' },
  EACCES: { problem: 'permission denied', hint: 'Choose a recordings folder you may write to.' },
  EPERM: { problem: 'the system did not permit it', hint: 'Choose a recordings folder you may write to.' },
  EROFS: { problem: 'the disk is read-only', hint: 'Choose a recordings folder on a writable disk.' },
  ENOENT: { problem: 'the folder no longer exists', hint: 'Choose the recordings folder again or create it.' },
  ENOTDIR: { problem: 'part of the path is a file, not a folder', hint: 'Choose another recordings folder.' },
  EEXIST: { problem: 'a file of that name is in the way of the folder', hint: 'Choose another recordings folder.' },
  EIO: {
    problem: 'the disk reported an input/output error',
    hint: 'Check the disk or network share, or choose another recordings folder.',
  },
  EMFILE: { problem: 'the app has too many files open', hint: 'Close some sessions or stop some recordings.' },
  ENFILE: { problem: 'the system has too many files open', hint: 'Close some programs or sessions.' },
};

/** An OS error on a file or folder of recordings: its code, what it means, what to do. */
export function fileProblem(err: unknown): { code: string; problem: string; hint: string } {
  const error = err as NodeJS.ErrnoException;
  const code = error.code ?? 'EIO';
  const known = Object.hasOwn(PROBLEMS, code) ? PROBLEMS[code]! : undefined;
  return known ? { code, ...known } : { code, problem: error.message, hint: 'Check the recordings folder and the disk.' };
}

/** A recording that could not start: the folder or the file could not be created. */
export function startError(sessionId: string, where: string, err: unknown): AppError {
  const { code, problem, hint } = fileProblem(err);
  return { code, message: `Session ${sessionId} cannot be recorded into ${where}: ${problem} (${code}).`, hint: `${hint} ${AGAIN}` };
}

/** A recording that stopped because its file could no longer be written. */
export function writeError(sessionId: string, file: string, failure: RecordFileFailure): AppError {
  if (failure.kind === 'deleted') {
    return {
      code: 'ENOENT',
      message: `Recording of session ${sessionId} stopped: the recording file ${file} was deleted (or its folder was).`,
      hint: `Records after that point were not saved. Check the recordings folder. ${AGAIN}`,
    };
  }
  const { code, problem, hint } = fileProblem(failure.error);
  return {
    code,
    message: `Recording of session ${sessionId} stopped: writing ${file} failed: ${problem} (${code}). The file keeps what was written before; the session keeps running.`,
    hint: `${hint} ${AGAIN}`,
  };
}

/** Data the recorder had to leave out because the disk fell too far behind (UDP cannot be paused). */
export function unrecordedError(sessionId: string, kind: SessionKind, lost: { messages: number; bytes: number; since: number }): AppError {
  const what = kind === 'udp' ? (lost.messages === 1 ? 'datagram' : 'datagrams') : lost.messages === 1 ? 'chunk' : 'chunks';
  const count = (n: number) => n.toLocaleString('en-US');
  return {
    code: AppCode.RecordingBehind,
    message: `Recording of session ${sessionId} could not keep up: ${count(lost.messages)} ${what} (${count(lost.bytes)} bytes) from ${new Date(lost.since).toISOString()} on are not in the recording. The session's counters include them, and the recording goes on.`,
    hint: hintFor(AppCode.RecordingBehind),
  };
}
