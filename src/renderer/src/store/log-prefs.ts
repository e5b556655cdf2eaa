/**
 * How the user likes the log: kept across launches in localStorage. What is read back is
 * checked field by field, since anything may have been written there.
 */
import { z } from 'zod';
import { checksumSchema, TEXT_ENCODINGS, type ChecksumOption, type TextEncodingName } from '@shared/contract';
import type { FramingMode, LengthFieldSize } from '@shared/framing';
import { persisted, type KeyValueStorage, type Persisted } from './persisted';

export const LOG_VIEWS = ['text', 'hex', 'both'] as const;
export type LogView = (typeof LOG_VIEWS)[number];

/** The shared framers' modes, and lines (LF, CRLF or CR), which the log splits itself. */
export const FRAMING_MODES = ['raw', 'lines', 'delimiter', 'length', 'fixed', 'gap'] as const satisfies readonly (FramingMode | 'lines')[];
export type LogFramingMode = (typeof FRAMING_MODES)[number];

/** Every mode's parameters at once, so switching modes and back keeps what the user typed. */
export interface FramingSettings {
  mode: LogFramingMode;
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

/** How rows are drawn: long lines wrapped or scrolled, which columns show, and the text size. */
export interface RowLook {
  wrap: boolean;
  showTime: boolean;
  showDelta: boolean;
  /** Pixels, MIN_LOG_FONT–MAX_LOG_FONT. */
  fontSize: number;
}

export const MIN_LOG_FONT = 10;
export const MAX_LOG_FONT = 20;
export const DEFAULT_ROW_LOOK: RowLook = { wrap: true, showTime: true, showDelta: true, fontSize: 12 };

export interface LogPrefs {
  /** Entries kept per session before the oldest leave the view. */
  logLimit: number;
  logView: LogView;
  logEncoding: TextEncodingName;
  framing: FramingSettings;
  rowLook: RowLook;
  /** The check value each framed message is verified against (✓/✗ per row); absent: none. */
  logChecksum?: ChecksumOption | undefined;
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
    rowLook: z
      .object({
        wrap: z.boolean().catch(DEFAULT_ROW_LOOK.wrap),
        showTime: z.boolean().catch(DEFAULT_ROW_LOOK.showTime),
        showDelta: z.boolean().catch(DEFAULT_ROW_LOOK.showDelta),
        fontSize: intIn(MIN_LOG_FONT, MAX_LOG_FONT).catch(DEFAULT_ROW_LOOK.fontSize),
      })
      .catch(defaults.rowLook),
    // Older saves have no such key; a garbled one costs only the checksum, not the other settings.
    logChecksum: checksumSchema.optional().catch(undefined),
  });
  return persisted(LOG_PREFS_STORAGE_KEY, schema, defaults, { storage });
}
