/**
 * Payloads sent from the composer, oldest first, kept across launches so ↑ recalls yesterday's
 * commands too; one list for every session, as a shell's history is.
 */
import { z } from 'zod';
import { createStore, type StoreApi } from 'zustand/vanilla';
import { listOf, persisted, type KeyValueStorage } from '../store/persisted';
import { payloadContentSchema, type SavedPayloadContent } from './payload-library';

export const MAX_HISTORY = 100;
export const SEND_HISTORY_STORAGE_KEY = 'socket-inspector.send-history';

export interface SendHistoryState {
  entries: readonly SavedPayloadContent[];
  /** Appends a sent payload; the same one sent again in a row is kept once. */
  add(entry: SavedPayloadContent): void;
}

export type SendHistoryStore = StoreApi<SendHistoryState>;

const sameContent = (a: SavedPayloadContent, b: SavedPayloadContent): boolean =>
  a.format === b.format && a.value === b.value && a.encoding === b.encoding && a.escapes === b.escapes && a.lineEnding === b.lineEnding;

const storedHistorySchema = z.object({
  entries: listOf(payloadContentSchema).transform((entries): readonly SavedPayloadContent[] => entries.slice(-MAX_HISTORY)),
});

/** One history per app; it loads itself from `storage` as it is created and saves each change there. */
export function createSendHistory(storage: KeyValueStorage | undefined): SendHistoryStore {
  const kept = persisted(SEND_HISTORY_STORAGE_KEY, storedHistorySchema, { entries: [] }, { storage, version: 1 });
  const store = createStore<SendHistoryState>()((set) => ({
    entries: kept.load().entries,
    add: (entry) =>
      set((state) => {
        const last = state.entries.at(-1);
        if (last && sameContent(last, entry)) return {};
        const copy: SavedPayloadContent = {
          format: entry.format,
          value: entry.value,
          encoding: entry.encoding,
          escapes: entry.escapes,
          lineEnding: entry.lineEnding,
        };
        return { entries: [...state.entries, copy].slice(-MAX_HISTORY) };
      }),
  }));
  store.subscribe((state) => kept.save({ entries: state.entries }));
  return store;
}
