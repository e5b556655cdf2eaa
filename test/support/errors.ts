import { phrase } from '@shared/phrase';
import { appError, fail, type AppError, type Result } from '@shared/result';

/** An error as a test writes it, in English words that no catalog translates. */
export function errorOf(code: string, message: string, hint: string): AppError {
  return appError(code, phrase('verbatim', { text: message }), phrase('verbatim', { text: hint }));
}

/** A failed result with those words, for a scripted bridge to answer. */
export function failWith(code: string, message: string, hint: string): Result<never> {
  return fail(code, phrase('verbatim', { text: message }), phrase('verbatim', { text: hint }));
}
