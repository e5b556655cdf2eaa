/**
 * How the user likes the log: kept across launches in localStorage. What is read back is
 * checked field by field, since anything may have been written there.
 */
import { z } from 'zod';
import { TEXT_ENCODINGS, type TextEncodingName } from '@shared/contract';
import type { FramingMode, LengthFieldSize } from '@shared/framing';
import { persisted, type KeyValueStorage, type Persisted } from './persisted';

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

export const LOG_PREFS_STORAGE_KEY = 'socket-inspector.log-prefs';

export function clampLogLimit(value: number): number {
  if (!Number.isFinite(value)) return DEFAULT_LOG_LIMIT;
  return Math.min(MAX_LOG_LIMIT, Math.max(MIN_LOG_LIMIT, Math.round(value)));
}

const intIn = (min: number, max: number) => z.number().int().min(min).max(max);

/** Each field falls back on its own, so one garbled setting costs only that setting. */
const framingSchema = z.object({
  mode: z.enum(FRAMING_MODES).catch(DEFAULT_FRAMING.mode),
  delimiter: z.string().max(200).catch(DEFAULT_FRAMING.delimiter),
  keepDelimiter: z.boolean().catch(DEFAULT_FRAMING.keepDelimiter),
  lengthSize: z.union([z.literal(1), z.literal(2), z.literal(4)]).catch(DEFAULT_FRAMING.lengthSize),
  littleEndian: z.boolean().catch(DEFAULT_FRAMING.littleEndian),
  lengthOffset: intIn(0, 1 << 20).catch(DEFAULT_FRAMING.lengthOffset),
  includesHeader: z.boolean().catch(DEFAULT_FRAMING.includesHeader),
  adjustment: intIn(-(1 << 20), 1 << 20).catch(DEFAULT_FRAMING.adjustment),
  fixedSize: intIn(1, 1 << 24).catch(DEFAULT_FRAMING.fixedSize),
  gapMs: intIn(0, 3_600_000).catch(DEFAULT_FRAMING.gapMs),
});

/** The saved preferences over `defaults`; storage that is missing, full or garbled gives the defaults. */
export function persistedLogPrefs(storage: KeyValueStorage | undefined, defaults: LogPrefs): Persisted<LogPrefs> {
  const schema = z.object({
    logLimit: z.number().transform(clampLogLimit).catch(defaults.logLimit),
    logView: z.enum(LOG_VIEWS).catch(defaults.logView),
    logEncoding: z.enum(TEXT_ENCODINGS).catch(defaults.logEncoding),
    framing: framingSchema.catch(defaults.framing),
  });
  return persisted(LOG_PREFS_STORAGE_KEY, schema, defaults, { storage });
}
