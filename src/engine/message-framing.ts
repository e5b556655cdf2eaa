import type { MessageFraming } from '@shared/contract';
import { DEFAULT_MAX_FRAME, type FramingConfig } from '@shared/framing';
import { parseHex } from '@shared/hex';

/** The contract's framing settings as the framer takes them: auto-reply rules and sequence expect steps frame alike. */
export function framingOf(framing: MessageFraming): FramingConfig {
  switch (framing.mode) {
    case 'delimiter': {
      const parsed = parseHex(framing.delimiter);
      // The schema has checked the delimiter; a parse failure cannot get here.
      return { mode: 'delimiter', delimiter: parsed.ok ? parsed.bytes : Uint8Array.of(0x0a), keepDelimiter: framing.keepDelimiter };
    }
    case 'length':
      return { ...framing, maxFrame: Math.min(framing.maxFrame, DEFAULT_MAX_FRAME) };
    default:
      return framing;
  }
}
