/**
 * How the user likes the log: kept across launches in localStorage. What is read back is
 * checked field by field, since anything may have been written there.
 */
import { TEXT_ENCODINGS, type TextEncodingName } from '@shared/contract';
import type { FramingMode, LengthFieldSize } from '@shared/framing';

export const LOG_VIEWS = ['text', 'hex', 'both'] as const;
export type LogView = (typeof LOG_VIEWS)[number];

export const FRAMING_MODES = ['raw', 'delimiter', 'length', 'fixed', 'gap'] as const satisfies readonly FramingMode[];

/** Every mode's parameters at once, so switching modes and back keeps what the user typed. */
export interface FramingSettings {
  mode: FramingMode;
  /** Hex, as typed: `0a`, `0d 0a`, `7e`. */
  delimiter: string;
  keepDelimiter: boolean;
  lengthSize: LengthFieldSize;
  littleEndian: boolean;
  lengthOffset: number;
  includesHeader: boolean;
  adjustment: number;
  fixedSize: number;
  gapMs: number;
}

export const DEFAULT_FRAMING: FramingSettings = {
  mode: 'raw',
  delimiter: '0a',
  keepDelimiter: true,
  lengthSize: 2,
  littleEndian: false,
  lengthOffset: 0,
  includesHeader: false,
  adjustment: 0,
  fixedSize: 16,
  gapMs: 50,
};

export const MIN_LOG_LIMIT = 1_000;
export const MAX_LOG_LIMIT = 1_000_000;
export const DEFAULT_LOG_LIMIT = 100_000;

export interface LogPrefs {
  /** Entries kept per session before the oldest leave the view. */
  logLimit: number;
  logView: LogView;
  logEncoding: TextEncodingName;
  framing: FramingSettings;
}

export type PrefsStorage = Pick<Storage, 'getItem' | 'setItem'>;

export const LOG_PREFS_STORAGE_KEY = 'socket-inspector.log-prefs';

export function clampLogLimit(value: number): number {
  if (!Number.isFinite(value)) return DEFAULT_LOG_LIMIT;
  return Math.min(MAX_LOG_LIMIT, Math.max(MIN_LOG_LIMIT, Math.round(value)));
}

const isOneOf = <T extends string | number>(list: readonly T[], value: unknown): value is T => (list as readonly unknown[]).includes(value);
const intIn = (value: unknown, min: number, max: number, fallback: number): number =>
  typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max ? value : fallback;
const boolOr = (value: unknown, fallback: boolean): boolean => (typeof value === 'boolean' ? value : fallback);

function readFraming(raw: unknown): FramingSettings {
  if (typeof raw !== 'object' || raw === null) return DEFAULT_FRAMING;
  const r = raw as Record<string, unknown>;
  const d = DEFAULT_FRAMING;
  return {
    mode: isOneOf(FRAMING_MODES, r.mode) ? r.mode : d.mode,
    delimiter: typeof r.delimiter === 'string' && r.delimiter.length <= 200 ? r.delimiter : d.delimiter,
    keepDelimiter: boolOr(r.keepDelimiter, d.keepDelimiter),
    lengthSize: isOneOf([1, 2, 4] as const, r.lengthSize) ? r.lengthSize : d.lengthSize,
    littleEndian: boolOr(r.littleEndian, d.littleEndian),
    lengthOffset: intIn(r.lengthOffset, 0, 1 << 20, d.lengthOffset),
    includesHeader: boolOr(r.includesHeader, d.includesHeader),
    adjustment: intIn(r.adjustment, -(1 << 20), 1 << 20, d.adjustment),
    fixedSize: intIn(r.fixedSize, 1, 1 << 24, d.fixedSize),
    gapMs: intIn(r.gapMs, 0, 3_600_000, d.gapMs),
  };
}

/** The saved preferences over `defaults`; storage that is missing, full or garbled gives the defaults. */
export function readLogPrefs(storage: PrefsStorage | undefined, defaults: LogPrefs): LogPrefs {
  let raw: unknown;
  try {
    raw = JSON.parse(storage?.getItem(LOG_PREFS_STORAGE_KEY) ?? 'null');
  } catch {
    return defaults;
  }
  if (typeof raw !== 'object' || raw === null) return defaults;
  const r = raw as Record<string, unknown>;
  return {
    logLimit: typeof r.logLimit === 'number' ? clampLogLimit(r.logLimit) : defaults.logLimit,
    logView: isOneOf(LOG_VIEWS, r.logView) ? r.logView : defaults.logView,
    logEncoding: isOneOf(TEXT_ENCODINGS, r.logEncoding) ? r.logEncoding : defaults.logEncoding,
    framing: 'framing' in r ? readFraming(r.framing) : defaults.framing,
  };
}

export function writeLogPrefs(storage: PrefsStorage | undefined, prefs: LogPrefs): void {
  try {
    storage?.setItem(
      LOG_PREFS_STORAGE_KEY,
      JSON.stringify({ logLimit: prefs.logLimit, logView: prefs.logView, logEncoding: prefs.logEncoding, framing: prefs.framing }),
    );
  } catch {
    // Storage full or turned off: the preference still holds until the window closes.
  }
}
