/**
 * Nothing throws across a transport: Electron IPC keeps only an error's message, and a throw
 * in a handler is a crash in main. Every call answers with one of these.
 */
export interface AppError {
  /** An OS code (ECONNREFUSED, EADDRINUSE, …) or one of the app's own codes in ErrorCode. */
  code: string;
  /** What went wrong, naming the address and port where there is one. */
  message: string;
  /** What the user can do about it. */
  hint: string;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: AppError };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const fail = (code: string, message: string, hint: string): Result<never> => ({
  ok: false,
  error: { code, message, hint },
});
