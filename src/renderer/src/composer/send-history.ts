/**
 * Payloads sent from the composer, oldest first, kept across launches so ↑ recalls yesterday's
 * commands too; one list for every session, as a shell's history is.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import { createJSONStorage, persist, type StateStorage } from 'zustand/middleware';
import { LINE_ENDINGS, TEXT_ENCODINGS } from '@shared/contract';
import type { SavedPayloadContent } from './payload-library';
import { isOneOf } from '@shared/validate';

export const MAX_HISTORY = 100;
export const SEND_HISTORY_STORAGE_KEY = 'socket-inspector.send-history';

export interface SendHistoryState {
  entries: readonly SavedPayloadContent[];
  /** Appends a sent payload; the same one sent again in a row is kept once. */
  add(entry: SavedPayloadContent): void;
}

export type SendHistoryStore = StoreApi<SendHistoryState>;

const sameContent = (a: SavedPayloadContent, b: SavedPayloadContent): boolean =>
  a.format === b.format && a.value === b.value && a.encoding === b.encoding && a.lineEnding === b.lineEnding;

/** Field-by-field copies of what localStorage holds, skipping anything malformed. */
function readEntries(raw: unknown): SavedPayloadContent[] {
  if (!Array.isArray(raw)) return [];
  const entries: SavedPayloadContent[] = [];
  for (const item of raw.slice(-MAX_HISTORY)) {
    if (typeof item !== 'object' || item === null) continue;
    const r = item as Record<string, unknown>;
    if ((r.format !== 'text' && r.format !== 'hex') || typeof r.value !== 'string') continue;
    if (!isOneOf(TEXT_ENCODINGS, r.encoding) || !isOneOf(LINE_ENDINGS, r.lineEnding)) continue;
    entries.push({ format: r.format, value: r.value, encoding: r.encoding, lineEnding: r.lineEnding });
  }
  return entries;
}

/** One history per app; it loads itself from `storage` as it is created. */
export function createSendHistory(storage: () => StateStorage): SendHistoryStore {
  return createStore<SendHistoryState>()(
    persist(
      (set) => ({
        entries: [],
        add: (entry) =>
          set((state) => {
            const last = state.entries.at(-1);
            if (last && sameContent(last, entry)) return {};
            const copy: SavedPayloadContent = { format: entry.format, value: entry.value, encoding: entry.encoding, lineEnding: entry.lineEnding };
            return { entries: [...state.entries, copy].slice(-MAX_HISTORY) };
          }),
      }),
      {
        name: SEND_HISTORY_STORAGE_KEY,
        version: 1,
        storage: createJSONStorage(storage),
        partialize: (state) => ({ entries: state.entries }),
        merge: (persisted, current) => ({
          ...current,
          entries: readEntries(typeof persisted === 'object' && persisted !== null ? (persisted as { entries?: unknown }).entries : undefined),
        }),
      },
    ),
  );
}
