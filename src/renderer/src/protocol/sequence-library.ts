/**
 * The sequences the user keeps, in localStorage, and their files: a sequence is exported alone
 * as `<name>.sequence.json` (the contract's sequence, so the same file runs from a stdio script)
 * and read back strictly, each problem named by its path.
 */
import { z } from 'zod';
import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import { createStore, type StoreApi } from 'zustand/vanilla';
import { sequenceSchema, type Sequence, type SequenceInput } from '@shared/contract';
import { MAX_SAVED_SEQUENCES } from '@shared/limits';
import { phrase, type Phrase } from '@shared/phrase';
import { issuePhrase } from '@shared/validate';
import { listOf, persisted, uniqueIds, type KeyValueStorage } from '../store/persisted';

export interface SavedSequence {
  id: string;
  sequence: Sequence;
}

export interface SequenceLibraryState {
  /** Newest first. */
  items: readonly SavedSequence[];
  /** Adds or, with `id`, replaces; answers the id. */
  put(sequence: Sequence, id?: string): string;
  remove(id: string): void;
  /** The sequences of an opened workspace file, in its order, in place of these. */
  replaceAll(sequences: readonly Sequence[]): void;
}

export type SequenceLibraryStore = StoreApi<SequenceLibraryState>;

export const SEQUENCE_LIBRARY_STORAGE_KEY = 'socket-inspector.sequences';
/** A sequence file is small; this refuses a huge file picked by mistake before parsing it. */
export const MAX_SEQUENCE_FILE_BYTES = 4 * 1024 * 1024;

const savedSequenceSchema = z.strictObject({ id: z.string().min(1).max(100), sequence: sequenceSchema });
const savedListSchema = listOf(savedSequenceSchema).transform((items): readonly SavedSequence[] =>
  uniqueIds(items).slice(0, MAX_SAVED_SEQUENCES),
);

function newId(): string {
  if (typeof crypto !== 'undefined' && typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  return `q-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

export function createSequenceLibrary(storage: KeyValueStorage | undefined): SequenceLibraryStore {
  const kept = persisted(SEQUENCE_LIBRARY_STORAGE_KEY, z.object({ items: savedListSchema }), { items: [] }, { storage, version: 1 });
  const store = createStore<SequenceLibraryState>()((set) => ({
    items: kept.load().items,
    put: (sequence, id) => {
      const key = id ?? newId();
      set((state) => ({
        items: [{ id: key, sequence }, ...state.items.filter((item) => item.id !== key)].slice(0, MAX_SAVED_SEQUENCES),
      }));
      return key;
    },
    remove: (id) => set((state) => ({ items: state.items.filter((item) => item.id !== id) })),
    replaceAll: (sequences) => set({ items: sequences.slice(0, MAX_SAVED_SEQUENCES).map((sequence) => ({ id: newId(), sequence })) }),
  }));
  store.subscribe((state) => kept.save({ items: state.items }));
  return store;
}

export const SequenceLibraryContext = createContext<SequenceLibraryStore | null>(null);

export function useSequenceLibrary<T>(selector: (state: SequenceLibraryState) => T): T {
  const store = useContext(SequenceLibraryContext);
  if (!store) throw new Error('Sequences need a SequenceLibraryContext provider above them.');
  return useStore(store, selector);
}

/** Where a problem is, as people write it: steps[2].payload.value. */
function pathText(path: readonly PropertyKey[]): string {
  let text = '';
  for (const part of path) text += typeof part === 'number' ? `[${part}]` : `${text === '' ? '' : '.'}${String(part)}`;
  return text;
}

export type SequenceReading = { ok: true; sequence: Sequence } | { ok: false; problems: Phrase[] };

const MAX_PROBLEMS_SHOWN = 10;

/** A sequence from JSON text (the editor, or a file), or what is wrong with it, each problem at its path. */
export function readSequence(text: string): SequenceReading {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    // The parser's own words are English only.
    return { ok: false, problems: [phrase('sequence.notJson')] };
  }
  const parsed = sequenceSchema.safeParse(raw);
  if (parsed.success) return { ok: true, sequence: parsed.data };
  return {
    ok: false,
    problems: parsed.error.issues.slice(0, MAX_PROBLEMS_SHOWN).map((issue) => {
      const at = pathText(issue.path);
      const problem = issuePhrase(issue);
      return at === '' ? problem : phrase('sequence.problemAt', { path: at, problem });
    }),
  };
}

/** Problems as one phrase, in order. */
export function problemsPhrase(problems: readonly Phrase[]): Phrase {
  const [first, ...rest] = problems;
  if (!first) return phrase('sequence.notJson');
  return rest.length === 0 ? first : phrase('sequence.problemsThen', { first, rest: problemsPhrase(rest) });
}

export function sequenceText(sequence: Sequence | SequenceInput): string {
  return `${JSON.stringify(sequence, null, 2)}\n`;
}

/** A file name for the sequence: its name with what file systems refuse replaced. */
export function sequenceFileName(sequence: Sequence): string {
  const base =
    Array.from(sequence.name, (ch) => (ch.charCodeAt(0) < 0x20 || '\\/:*?"<>|'.includes(ch) ? '_' : ch))
      .join('')
      .trim() || 'sequence';
  return `${base}.sequence.json`;
}

/** A sequence to start from: ask, expect a reply, verify its CRC. */
export const EXAMPLE_SEQUENCE: SequenceInput = {
  name: 'Read registers',
  framing: { mode: 'gap', gapMs: 30 },
  steps: [
    { kind: 'send', name: 'ask', payload: { format: 'hex', value: '01 03 00 00 00 02', checksum: { algorithm: 'crc16-modbus' } } },
    {
      kind: 'expect',
      name: 'reply',
      match: { on: 'hex', kind: 'starts', pattern: '01 03 04' },
      timeoutMs: 1000,
      checksum: { algorithm: 'crc16-modbus' },
    },
  ],
};
