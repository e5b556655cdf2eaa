import { formatEndpoint } from '@shared/address';
import { AppCode, hintFor } from '@shared/errors';
import { isPhraseKey, phrase, type Phrase } from '@shared/phrase';
import { appError as makeError, type AppError } from '@shared/result';

export type SocketAction =
  'listen' | 'bind' | 'connect' | 'send' | 'send-multicast' | 'receive' | 'connection' | 'join' | 'leave' | 'option';

function errorCode(err: unknown): string {
  if (err && typeof err === 'object' && 'code' in err && typeof err.code === 'string') return err.code;
  return AppCode.Internal;
}

/**
 * What an OS code means in plain words: in one action where the plain words would mislead
 * (EADDRINUSE on a join is a membership that exists), the words for that action.
 */
function plainWords(code: string, action: SocketAction, err: unknown): Phrase {
  const forAction = `os.${action}.${code}`;
  if (isPhraseKey(forAction)) return phrase(forAction);
  const plain = `os.${code}`;
  if (isPhraseKey(plain)) return phrase(plain);
  // Node's words for a system call's error ("connect EPROTO 10.0.0.1:80") say no more than the
  // code, which the message shows anyway: say it in the user's words.
  if (err && typeof err === 'object' && 'syscall' in err && /^E[A-Z0-9_]+$/.test(code)) return phrase('os.other');
  return phrase('verbatim', { text: err instanceof Error ? err.message : String(err) });
}

/**
 * Turn whatever Node threw or emitted into an AppError whose message names the action, the
 * address and port, and the OS code, so the user sees "Listening on 127.0.0.1:80 failed:
 * permission denied (EACCES)" rather than a stack trace.
 */
export function socketError(err: unknown, action: SocketAction, target: { address: string | Phrase; port?: number }): AppError {
  const code = errorCode(err);
  const where =
    target.port === undefined || typeof target.address !== 'string' ? target.address : formatEndpoint(target.address, target.port);
  const failed = phrase('socket.failed', { action: phrase(`action.${action}`), where, what: plainWords(code, action, err), code });
  return makeError(code, phrase('sentence', { text: failed }), hintFor(code, action));
}

/** An error of the engine's own, with the hint of its code. */
export function appError(code: string, message: Phrase): AppError {
  return makeError(code, message, hintFor(code));
}

/** The socket error's words without the full stop, so a note can follow: "… (ECONNREFUSED) (attempt 3, …)". */
export function withoutStop(message: Phrase): Phrase {
  return message.key === 'sentence' && message.params && typeof message.params.text === 'object' && !Array.isArray(message.params.text)
    ? (message.params.text as Phrase)
    : message;
}

/** The same error with a note added before its full stop. */
export function annotate(error: AppError, note: Phrase): AppError {
  return makeError(
    error.code,
    phrase('sentence', { text: phrase('error.noted', { error: withoutStop(error.i18n.message), note }) }),
    error.i18n.hint,
  );
}

/** The error with more sentences after its own. */
export function followedBy(error: AppError, ...more: Phrase[]): AppError {
  return makeError(error.code, phrase('sentences', { list: [error.i18n.message, ...more] }), error.i18n.hint);
}
