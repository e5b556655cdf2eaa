import type { LineEnding, Payload } from '../../../shared/contract';

export type ComposerFormat = 'text' | 'hex';

/**
 * The payload exactly as it will be sent, so the live check here and main's authoritative one
 * read the same thing.
 */
export function composerPayload(format: ComposerFormat, value: string, lineEnding: LineEnding): Payload {
  return { format, value, encoding: 'utf-8', escapes: true, lineEnding };
}
