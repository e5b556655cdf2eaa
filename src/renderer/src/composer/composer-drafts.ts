import type { ComposerFormat } from './composer-payload';
import type { SavedPayloadContent } from './payload-library';

/** What a session's composer was showing: its mode and the payload typed there, escapes included. */
export interface ComposerDraft {
  mode: ComposerFormat;
  content: SavedPayloadContent;
}

/**
 * Each session's composer draft while another session is shown, so coming back finds the
 * payload, its format and its escapes as they were left. Held for this window only: session
 * ids are not reused across launches, so there is nothing to come back to after one.
 */
export interface ComposerDrafts {
  get(sessionId: string): ComposerDraft | undefined;
  keep(sessionId: string, draft: ComposerDraft): void;
}

/** Sessions whose drafts are held; beyond it the longest untouched goes. */
export const MAX_DRAFTS = 200;

export function createComposerDrafts(): ComposerDrafts {
  const drafts = new Map<string, ComposerDraft>();
  return {
    get: (sessionId) => drafts.get(sessionId),
    keep: (sessionId, draft) => {
      // Re-inserted, so the Map's order is the order of last use.
      drafts.delete(sessionId);
      drafts.set(sessionId, draft);
      if (drafts.size > MAX_DRAFTS) drafts.delete(drafts.keys().next().value!);
    },
  };
}
