/**
 * Named payloads the user saved, kept across launches in localStorage. The workspace feature
 * writes them into workspace files through `exportItems` and reads them back through
 * `importItems`; the log feature saves an entry's bytes through `saveBytesAsPayload`. Those
 * three and `SavedPayload` are a stable API: change them only together with those features.
 */
import { z } from 'zod';
import { createStore, type StoreApi } from 'zustand/vanilla';
import { LINE_ENDINGS, TEXT_ENCODINGS, type LineEnding, type TextEncodingName } from '@shared/contract';
import { formatHex } from '@shared/hex';
import { listOf, nameSchema, persisted, uniqueIds, type KeyValueStorage } from '../store/persisted';

/** What a saved payload holds: enough to put it back in the composer exactly as it was. */
export interface SavedPayloadContent {
  format: 'text' | 'hex';
  value: string;
  encoding: TextEncodingName;
  /** Whether `\r \n \t \xNN` in text stand for what they name (payloads saved before there was a choice: yes). */
  escapes: boolean;
  lineEnding: LineEnding;
}

export interface SavedPayload extends SavedPayloadContent {
  /** Unique within the library; stable across renames. */
  id: string;
  name: string;
  /** Epoch ms of the last save or rename. */
  savedAt: number;
}

export interface PayloadLibraryState {
  /** Newest first. */
  items: readonly SavedPayload[];
  /** Adds a payload under `name` and answers its id; names need not be unique. */
  save(name: string, payload: SavedPayloadContent): string;
  remove(id: string): void;
  rename(id: string, name: string): void;
  /** Plain copies of every saved payload, for a workspace file. */
  exportItems(): SavedPayload[];
  /**
   * Replaces the library with `items` (e.g. from a workspace file). Anything that is not a
   * well-formed saved payload is skipped, so a hand-edited file cannot break the composer;
   * answers how many were taken.
   */
  importItems(items: unknown): number;
}

export type PayloadLibraryStore = StoreApi<PayloadLibraryState>;

/** Most payloads the library keeps; saving beyond it lets the oldest go. */
export const MAX_SAVED_PAYLOADS = 500;
/** Longest name kept; longer ones are cut. */
export const MAX_PAYLOAD_NAME_LENGTH = 120;

export const PAYLOAD_LIBRARY_STORAGE_KEY = 'socket-inspector.saved-payloads';

const cleanName = (name: string): string => name.trim().slice(0, MAX_PAYLOAD_NAME_LENGTH);

function newId(): string {
  if (typeof crypto !== 'undefined' && typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  return `p-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

/** One schema per shape, for localStorage and workspace files alike. */
export const payloadContentSchema = z.strictObject({
  format: z.enum(['text', 'hex'], { error: 'Format must be text or hex.' }),
  value: z.string({ error: 'Value must be text.' }),
  encoding: z.enum(TEXT_ENCODINGS, { error: `Encoding must be one of ${TEXT_ENCODINGS.join(', ')}.` }),
  escapes: z.boolean({ error: 'escapes must be true or false.' }).default(true),
  lineEnding: z.enum(LINE_ENDINGS, { error: `Line ending must be one of ${LINE_ENDINGS.join(', ')}.` }),
});

export const savedPayloadSchema = payloadContentSchema.extend({
  id: z.string({ error: 'Id must be text.' }).min(1, 'Id is empty.').max(100, 'Id is longer than 100 characters.'),
  name: nameSchema(MAX_PAYLOAD_NAME_LENGTH),
  savedAt: z.number({ error: 'savedAt must be a number (epoch ms).' }).finite(),
});

/** What reads back as saved payloads, each id once, at most the limit. */
const savedListSchema = listOf(savedPayloadSchema).transform((items): readonly SavedPayload[] =>
  uniqueIds(items).slice(0, MAX_SAVED_PAYLOADS),
);

/** One library per app; it loads itself from `storage` as it is created and saves each change there. */
export function createPayloadLibrary(storage: KeyValueStorage | undefined): PayloadLibraryStore {
  const kept = persisted(PAYLOAD_LIBRARY_STORAGE_KEY, z.object({ items: savedListSchema }), { items: [] }, { storage, version: 1 });
  const store = createStore<PayloadLibraryState>()((set, get) => ({
    items: kept.load().items,
    save: (name, payload) => {
      const id = newId();
      const item: SavedPayload = {
        id,
        name: cleanName(name),
        format: payload.format,
        value: payload.value,
        encoding: payload.encoding,
        escapes: payload.escapes,
        lineEnding: payload.lineEnding,
        savedAt: Date.now(),
      };
      set((state) => ({ items: [item, ...state.items].slice(0, MAX_SAVED_PAYLOADS) }));
      return id;
    },
    remove: (id) => set((state) => ({ items: state.items.filter((item) => item.id !== id) })),
    rename: (id, name) =>
      set((state) => ({
        items: state.items.map((item) => (item.id === id ? { ...item, name: cleanName(name), savedAt: Date.now() } : item)),
      })),
    exportItems: () => get().items.map((item) => ({ ...item })),
    importItems: (raw) => {
      const items = savedListSchema.parse(raw);
      set({ items });
      return items.length;
    },
  }));
  store.subscribe((state) => kept.save({ items: state.items }));
  return store;
}

/**
 * Saves raw bytes (e.g. a log entry) as a hex payload under `name`, with no line ending so it
 * sends back exactly those bytes; answers the new payload's id.
 */
export function saveBytesAsPayload(library: PayloadLibraryStore, name: string, bytes: Uint8Array): string {
  return library.getState().save(name, {
    format: 'hex',
    value: formatHex(bytes),
    encoding: 'utf-8',
    escapes: true,
    lineEnding: 'none',
  });
}
