import type { Payload } from '@shared/contract';
import type { SavedPayloadContent } from './payload-library';

/** What the composer sends: typed text or hex, or a file's bytes. */
export type ComposerFormat = 'text' | 'hex' | 'file';
export type TypedFormat = Exclude<ComposerFormat, 'file'>;

/**
 * The payload exactly as it will be sent, so the live check here and main's authoritative one
 * read the same thing; fields copied by name, since `content` may come from storage.
 */
export function composerPayload(content: SavedPayloadContent): Payload {
  return {
    format: content.format,
    value: content.value,
    encoding: content.encoding,
    escapes: content.escapes,
    lineEnding: content.lineEnding,
  };
}
