import { english, type Phrase } from './phrase';

/**
 * Nothing throws across a transport: Electron IPC keeps only an error's message, and a throw
 * in a handler is a crash in main. Every call answers with one of these.
 */
export interface AppError {
  /** An OS code (ECONNREFUSED, EADDRINUSE, …) or one of the app's own codes in ErrorCode. */
  code: string;
  /** What went wrong, naming the address and port where there is one: English, for scripts and logs. */
  message: string;
  /** What the user can do about it, in English. */
  hint: string;
  /** The same two as keys with parameters, which the page renders in the user's language. */
  i18n: { message: Phrase; hint: Phrase };
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: AppError };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });

export function appError(code: string, message: Phrase, hint: Phrase): AppError {
  return { code, message: english(message), hint: english(hint), i18n: { message, hint } };
}

export const fail = (code: string, message: Phrase, hint: Phrase): Result<never> => ({ ok: false, error: appError(code, message, hint) });

/** The error with its message replaced, its code and hint kept: "… failed: …; trying the next address". */
export function withMessage(error: AppError, message: Phrase): AppError {
  return appError(error.code, message, error.i18n.hint);
}

/** A copy holding only an error's own fields, for an object that came from elsewhere. */
export function copyError(error: AppError): AppError {
  return appError(error.code, error.i18n.message, error.i18n.hint);
}

/** An error to show: the engine's (with its phrases), or one already in the reader's words (a file's, the page's own). */
export type ShownError = Pick<AppError, 'code' | 'message' | 'hint'> & { i18n?: AppError['i18n'] };
