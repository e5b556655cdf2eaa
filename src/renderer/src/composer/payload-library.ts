/**
 * Named payloads the user saved, kept across launches in localStorage. The workspace feature
 * writes them into workspace files through `exportItems` and reads them back through
 * `importItems`; the log feature saves an entry's bytes through `saveBytesAsPayload`. Those
 * three and `SavedPayload` are a stable API: change them only together with those features.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import { createJSONStorage, persist, type StateStorage } from 'zustand/middleware';
import { LINE_ENDINGS, TEXT_ENCODINGS, type LineEnding, type TextEncodingName } from '@shared/contract';
import { formatHex } from '@shared/hex';
import { isOneOf } from '@shared/validate';

/** What a saved payload holds: enough to put it back in the composer exactly as it was. */
export interface SavedPayloadContent {
  format: 'text' | 'hex';
  value: string;
  encoding: TextEncodingName;
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

/** A fresh, field-by-field copy of a stored or imported object, or undefined when malformed. */
function readSaved(raw: unknown): SavedPayload | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const r = raw as Record<string, unknown>;
  if (typeof r.id !== 'string' || r.id === '' || typeof r.name !== 'string' || typeof r.value !== 'string') return undefined;
  if (r.format !== 'text' && r.format !== 'hex') return undefined;
  if (!isOneOf(TEXT_ENCODINGS, r.encoding) || !isOneOf(LINE_ENDINGS, r.lineEnding)) return undefined;
  const savedAt = typeof r.savedAt === 'number' && Number.isFinite(r.savedAt) ? r.savedAt : 0;
  return {
    id: r.id,
    name: cleanName(r.name),
    format: r.format,
    value: r.value,
    encoding: r.encoding,
    lineEnding: r.lineEnding,
    savedAt,
  };
}

function readList(raw: unknown): SavedPayload[] {
  if (!Array.isArray(raw)) return [];
  const seen = new Set<string>();
  const items: SavedPayload[] = [];
  for (const entry of raw) {
    const item = readSaved(entry);
    if (!item || seen.has(item.id)) continue;
    seen.add(item.id);
    items.push(item);
    if (items.length === MAX_SAVED_PAYLOADS) break;
  }
  return items;
}

/** One library per app; it loads itself from `storage` as it is created. */
export function createPayloadLibrary(storage: () => StateStorage): PayloadLibraryStore {
  return createStore<PayloadLibraryState>()(
    persist(
      (set, get) => ({
        items: [],
        save: (name, payload) => {
          const id = newId();
          const item: SavedPayload = {
            id,
            name: cleanName(name),
            format: payload.format,
            value: payload.value,
            encoding: payload.encoding,
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
          const items = readList(raw);
          set({ items });
          return items.length;
        },
      }),
      {
        name: PAYLOAD_LIBRARY_STORAGE_KEY,
        version: 1,
        storage: createJSONStorage(storage),
        partialize: (state) => ({ items: state.items }),
        // localStorage is anyone's to edit: take only what reads back as saved payloads.
        merge: (persisted, current) => ({
          ...current,
          items: readList(typeof persisted === 'object' && persisted !== null ? (persisted as { items?: unknown }).items : undefined),
        }),
      },
    ),
  );
}

/**
 * Saves raw bytes (e.g. a log entry) as a hex payload under `name`, with no line ending so it
 * sends back exactly those bytes; answers the new payload's id.
 */
export function saveBytesAsPayload(library: PayloadLibraryStore, name: string, bytes: Uint8Array): string {
  return library.getState().save(name, { format: 'hex', value: formatHex(bytes), encoding: 'utf-8', lineEnding: 'none' });
}
