import { z } from 'zod';
import { formatTemplate, renderPhrase, type Phrase, type PhraseParam, type PhraseStyle } from '@shared/phrase';
import { PHRASES_EN } from '@shared/phrases-en';
import { en, type MessageKey, type Messages } from './en';
import { phrasesZhCN } from './phrases-zh-CN';
import { zhCN } from './zh-CN';

export const LANGUAGES = ['en', 'zh-CN'] as const;
export type Language = (typeof LANGUAGES)[number];

/** Each language is named in itself, so a reader finds theirs whatever is shown now. */
export const LANGUAGE_NAMES: Readonly<Record<Language, string>> = {
  en: 'English',
  'zh-CN': '简体中文',
};

const CATALOGS: Readonly<Record<Language, Messages>> = { en, 'zh-CN': zhCN };

/** The words that come from the engine, the hosts and the schemas (src/shared/phrases-en.ts). */
const PHRASES: Readonly<Record<Language, Readonly<Record<string, string>>>> = { en: PHRASES_EN, 'zh-CN': phrasesZhCN };

/** Chinese runs sentences together; English puts a space between them. */
const SENTENCE_GAPS: Readonly<Record<Language, string>> = { en: ' ', 'zh-CN': '' };

export const languageSchema = z.enum(LANGUAGES, { error: `language must be one of ${LANGUAGES.join(', ')}.` });

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

/** Any Chinese locale gets Simplified Chinese (the only Chinese catalog); everything else English. */
export function detectLanguage(preferred: readonly string[]): Language {
  for (const tag of preferred) {
    const lower = tag.toLowerCase();
    if (lower === 'en' || lower.startsWith('en-')) return 'en';
    if (lower === 'zh' || lower.startsWith('zh-')) return 'zh-CN';
  }
  return 'en';
}

export type MessageParams = Readonly<Record<string, PhraseParam>>;
export type Translate = (key: MessageKey, params?: MessageParams) => string;
/** A phrase from the engine (or the page's own, keyed in its catalog) in the current language. */
export type Say = (said: Phrase) => string;

/**
 * How a language fills templates in: numbers grouped its way, plurals by its Intl.PluralRules,
 * and a phrase inside found in the engine's words or the page's own.
 */
export function phraseStyle(language: Language): PhraseStyle {
  const phrases = PHRASES[language];
  const catalog = CATALOGS[language] as Readonly<Record<string, string>>;
  return {
    locale: language,
    sentenceGap: SENTENCE_GAPS[language],
    lookup: (key) => (Object.hasOwn(phrases, key) ? phrases[key] : Object.hasOwn(catalog, key) ? catalog[key] : undefined),
  };
}

export function translator(language: Language): Translate {
  const catalog = CATALOGS[language];
  const style = phraseStyle(language);
  return (key, params) => formatTemplate(catalog[key], params, style);
}

export function sayer(language: Language): Say {
  const style = phraseStyle(language);
  return (said) => renderPhrase(said, style);
}
