import type { LineEnding, Payload, TextEncodingName } from '@shared/contract';

/** What the composer sends: typed text or hex, or a file's bytes. */
export type ComposerFormat = 'text' | 'hex' | 'file';
export type TypedFormat = Exclude<ComposerFormat, 'file'>;

/**
 * The payload exactly as it will be sent, so the live check here and main's authoritative one
 * read the same thing.
 */
export function composerPayload(format: TypedFormat, value: string, lineEnding: LineEnding, encoding: TextEncodingName = 'utf-8'): Payload {
  return { format, value, encoding, escapes: true, lineEnding };
}
