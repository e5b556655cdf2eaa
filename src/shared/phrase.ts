/**
 * Words that cross a transport as a key and parameters, so each reader renders them in its own
 * language: the page in the user's, the CLI and scripts in English (PHRASES_EN). Templates are
 * ICU-like: `{name}` fills a value in, `{count, plural, one {# file} other {# files}}` picks the
 * language's plural form with Intl.PluralRules (`#` is the number). docs/architecture.md § Words.
 */
import { PHRASES_EN, type PhraseKey } from './phrases-en';

export type { PhraseKey } from './phrases-en';

/** A value filled into a phrase: a phrase inside renders in the same language; a list of them is joined as sentences. */
export type PhraseParam = string | number | Phrase | readonly Phrase[];

export interface Phrase {
  /** A key of PHRASES_EN, or of the page's own catalog for phrases only the page makes. */
  key: string;
  params?: Readonly<Record<string, PhraseParam>>;
}

/** A template per key; a language's catalog has exactly the keys of PHRASES_EN. */
export type PhraseCatalog = Readonly<Record<string, string>>;

export function phrase(key: PhraseKey, params?: Readonly<Record<string, PhraseParam>>): Phrase {
  return params === undefined ? { key } : { key, params };
}

/**
 * Words that have no key yet: shown as they are in every language. For text the OS or a file
 * gave; new product words belong in PHRASES_EN, so a translation can follow.
 */
export function untranslated(text: string): Phrase {
  return { key: 'verbatim', params: { text } };
}

/** Items as one list phrase: "a, b, c" in English, "a、b、c" in Chinese. */
export function listed(items: readonly Phrase[]): Phrase {
  if (items.length === 1) return items[0]!;
  return { key: 'list.comma', params: { first: items[0]!, rest: listed(items.slice(1)) } };
}

type Part = string | { name: string; forms?: ReadonlyMap<string, readonly Part[]> };

const parsed = new Map<string, readonly Part[]>();

/** Where the brace that opens at `open` closes, counting nested braces; -1 when it does not. */
function closing(template: string, open: number): number {
  let depth = 0;
  for (let i = open; i < template.length; i += 1) {
    if (template[i] === '{') depth += 1;
    else if (template[i] === '}' && --depth === 0) return i;
  }
  return -1;
}

const PLACEHOLDER = /^\{(\w+)\}/;
const PLURAL = /^\{(\w+),\s*plural,\s*/;
const FORM = /^(=\d+|zero|one|two|few|many|other)\s*\{/;

function parse(template: string): readonly Part[] {
  const parts: Part[] = [];
  let text = '';
  let i = 0;
  while (i < template.length) {
    const rest = template.slice(i);
    const simple = PLACEHOLDER.exec(rest);
    const plural = simple ? null : PLURAL.exec(rest);
    if (simple) {
      if (text) parts.push(text);
      text = '';
      parts.push({ name: simple[1]! });
      i += simple[0].length;
      continue;
    }
    const end = plural ? closing(template, i) : -1;
    if (!plural || end === -1) {
      // A brace that opens no placeholder is text (JSON in an example, say).
      text += template[i];
      i += 1;
      continue;
    }
    const forms = new Map<string, readonly Part[]>();
    let at = i + plural[0].length;
    while (at < end) {
      const form = FORM.exec(template.slice(at, end));
      if (!form) break;
      const open = at + form[0].length - 1;
      const close = closing(template, open);
      forms.set(form[1]!, parse(template.slice(open + 1, close)));
      at = close + 1;
      while (template[at] === ' ') at += 1;
    }
    if (text) parts.push(text);
    text = '';
    parts.push({ name: plural[1]!, forms });
    i = end + 1;
  }
  if (text) parts.push(text);
  return parts;
}

function partsOf(template: string): readonly Part[] {
  let parts = parsed.get(template);
  if (!parts) {
    parts = parse(template);
    parsed.set(template, parts);
  }
  return parts;
}

/** How one language writes what a template leaves open. */
export interface PhraseStyle {
  locale: string;
  /** Between sentences joined from a list: a space in English, nothing in Chinese. */
  sentenceGap: string;
  /** The template of a nested phrase's key in this language. */
  lookup: (key: string) => string | undefined;
}

const styles = new Map<string, { numbers: Intl.NumberFormat; plurals: Intl.PluralRules }>();

function formatsOf(locale: string) {
  let formats = styles.get(locale);
  if (!formats) {
    formats = { numbers: new Intl.NumberFormat(locale), plurals: new Intl.PluralRules(locale) };
    styles.set(locale, formats);
  }
  return formats;
}

/** Fill a template in; a value left out keeps its placeholder, so a missing parameter shows rather than vanishes. */
export function formatTemplate(template: string, params: Readonly<Record<string, PhraseParam>> | undefined, style: PhraseStyle): string {
  const { numbers, plurals } = formatsOf(style.locale);
  const value = (name: string): string | undefined => {
    if (!params || !Object.hasOwn(params, name)) return undefined;
    const given = params[name]!;
    if (typeof given === 'number') return numbers.format(given);
    if (typeof given === 'string') return given;
    if (isPhraseList(given)) return given.map((one) => renderPhrase(one, style)).join(style.sentenceGap);
    return renderPhrase(given, style);
  };
  const render = (parts: readonly Part[], count?: string): string =>
    parts
      .map((part) => {
        if (typeof part === 'string') return count === undefined ? part : part.replaceAll('#', count);
        if (!part.forms) return value(part.name) ?? `{${part.name}}`;
        const n = params && Object.hasOwn(params, part.name) ? params[part.name] : undefined;
        if (typeof n !== 'number') return `{${part.name}}`;
        const form = part.forms.get(`=${n}`) ?? part.forms.get(plurals.select(n)) ?? part.forms.get('other') ?? [];
        return render(form, numbers.format(n));
      })
      .join('');
  return render(partsOf(template));
}

function isPhraseList(value: PhraseParam): value is readonly Phrase[] {
  return Array.isArray(value);
}

/** A phrase in the style's language; a key it does not know falls back to English, then to the key itself. */
export function renderPhrase(said: Phrase, style: PhraseStyle): string {
  const template = style.lookup(said.key) ?? englishTemplate(said.key) ?? said.key;
  return formatTemplate(template, said.params, style);
}

/** Whether PHRASES_EN has `key`: for words looked up by a code (`os.<code>`, `hint.<code>`), which may have none. */
export function isPhraseKey(key: string): key is PhraseKey {
  return Object.hasOwn(PHRASES_EN, key);
}

function englishTemplate(key: string): string | undefined {
  return isPhraseKey(key) ? PHRASES_EN[key] : undefined;
}

const ENGLISH: PhraseStyle = { locale: 'en', sentenceGap: ' ', lookup: englishTemplate };

/** The English words of a phrase: what the CLI and scripts read in `message` and `hint`. */
export function english(said: Phrase): string {
  return renderPhrase(said, ENGLISH);
}

/** The names a template fills in, for checking that a translation asks for the same values. */
export function placeholders(template: string): string[] {
  const names = new Set<string>();
  const walk = (parts: readonly Part[]) => {
    for (const part of parts) {
      if (typeof part === 'string') continue;
      names.add(part.name);
      part.forms?.forEach(walk);
    }
  };
  walk(partsOf(template));
  return [...names].sort();
}
