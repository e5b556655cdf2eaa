import { createContext, useContext } from 'react';
import type { ShownError } from '@shared/result';
import { sayer, translator, type Language, type Say, type Translate } from './languages';

export interface I18nValue {
  language: Language;
  setLanguage: (language: Language) => void;
  t: Translate;
  say: Say;
  formatNumber: (value: number) => string;
}

const fallback: I18nValue = {
  language: 'en',
  setLanguage: () => undefined,
  t: translator('en'),
  say: sayer('en'),
  formatNumber: (value) => value.toLocaleString('en'),
};

export const I18nContext = createContext<I18nValue>(fallback);

/** The translate function for the current language. */
export function useT(): Translate {
  return useContext(I18nContext).t;
}

/** Phrases (an engine error's message and hint, a schema's refusal) in the current language. */
export function useSay(): Say {
  return useContext(I18nContext).say;
}

/** An error's message and hint in the current language: rendered from its phrases when it has them. */
export function useErrorWords(): (error: ShownError) => { message: string; hint: string } {
  const say = useSay();
  return (error) =>
    error.i18n ? { message: say(error.i18n.message), hint: say(error.i18n.hint) } : { message: error.message, hint: error.hint };
}

export function useLanguage(): [Language, (language: Language) => void] {
  const { language, setLanguage } = useContext(I18nContext);
  return [language, setLanguage];
}

/** Numbers grouped the way the current language writes them. */
export function useFormatNumber(): (value: number) => string {
  return useContext(I18nContext).formatNumber;
}
