import { useEffect, useMemo, useState, type ReactNode } from 'react';
import { I18nContext, type I18nValue } from './i18n-context';
import { detectLanguage, sayer, translator, type Language } from './languages';

function browserLanguages(): readonly string[] {
  if (typeof navigator === 'undefined') return [];
  return navigator.languages && navigator.languages.length > 0 ? navigator.languages : [navigator.language];
}

export function I18nProvider({ initial, children }: { initial?: Language; children: ReactNode }) {
  const [language, setLanguage] = useState<Language>(() => initial ?? detectLanguage(browserLanguages()));
  const value = useMemo<I18nValue>(() => {
    const numbers = new Intl.NumberFormat(language);
    return { language, setLanguage, t: translator(language), say: sayer(language), formatNumber: (n) => numbers.format(n) };
  }, [language]);

  useEffect(() => {
    // Screen readers pick their voice from the document's language.
    document.documentElement.lang = language;
  }, [language]);

  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}
