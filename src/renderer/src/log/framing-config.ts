import { DEFAULT_MAX_FRAME, type FramingConfig } from '@shared/framing';
import { parseHex } from '@shared/hex';
import type { FramingSettings } from '../store/log-prefs';

/** What the log frames by: a shared framer's rule, or lines. */
export type LogFraming = FramingConfig | { mode: 'lines' };

export type FramingChoice = { ok: true; config: LogFraming } | { ok: false; index: number };

/** The framer's settings from the user's; a delimiter that is not hex cannot frame anything. */
export function framingConfigOf(settings: FramingSettings): FramingChoice {
  switch (settings.mode) {
    case 'raw':
      return { ok: true, config: { mode: 'raw' } };
    case 'lines':
      return { ok: true, config: { mode: 'lines' } };
    case 'delimiter': {
      const parsed = parseHex(settings.delimiter);
      if (!parsed.ok) return { ok: false, index: parsed.index };
      if (parsed.bytes.length === 0) return { ok: false, index: 0 };
      return { ok: true, config: { mode: 'delimiter', delimiter: parsed.bytes, keepDelimiter: settings.keepDelimiter } };
    }
    case 'length':
      return {
        ok: true,
        config: {
          mode: 'length',
          size: settings.lengthSize,
          littleEndian: settings.littleEndian,
          offset: settings.lengthOffset,
          includesHeader: settings.includesHeader,
          adjustment: settings.adjustment,
          maxFrame: DEFAULT_MAX_FRAME,
        },
      };
    case 'fixed':
      return { ok: true, config: { mode: 'fixed', size: settings.fixedSize } };
    case 'gap':
      return { ok: true, config: { mode: 'gap', gapMs: settings.gapMs } };
  }
}
