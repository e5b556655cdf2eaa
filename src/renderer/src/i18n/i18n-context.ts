import { createContext, useContext } from 'react';
import { translator, type Language, type Translate } from './languages';

export interface I18nValue {
  language: Language;
  setLanguage: (language: Language) => void;
  t: Translate;
  formatNumber: (value: number) => string;
}

const fallback: I18nValue = {
  language: 'en',
  setLanguage: () => undefined,
  t: translator('en'),
  formatNumber: (value) => value.toLocaleString('en'),
};

export const I18nContext = createContext<I18nValue>(fallback);

/** The translate function for the current language. */
export function useT(): Translate {
  return useContext(I18nContext).t;
}

export function useLanguage(): [Language, (language: Language) => void] {
  const { language, setLanguage } = useContext(I18nContext);
  return [language, setLanguage];
}

/** Numbers grouped the way the current language writes them. */
export function useFormatNumber(): (value: number) => string {
  return useContext(I18nContext).formatNumber;
}
