/**
 * What the renderer keeps across launches, in localStorage. Anyone may edit what is there, so
 * it is read back through a zod schema (which builds fresh objects of the known keys only);
 * storage that is missing, full, turned off or garbled costs the saved value, never the app.
 * The one way to persist (docs/architecture.md § The renderer).
 */
import { z } from 'zod';

export type KeyValueStorage = Pick<Storage, 'getItem' | 'setItem'>;

/** localStorage, when the page may use it (a sandboxed or file:// page may throw on access). */
export function browserStorage(): KeyValueStorage | undefined {
  try {
    return typeof localStorage === 'undefined' ? undefined : localStorage;
  } catch {
    return undefined;
  }
}

export interface Persisted<T> {
  /** The stored value; `fallback` when there is none, it does not read back, or storage throws. */
  load(): T;
  save(value: T): void;
}

export interface PersistedOptions {
  /** Undefined: nothing is kept (a page without storage, or a test that wants a clean slate). */
  storage: KeyValueStorage | undefined;
  /**
   * Kept as `{ state, version }`: the layout zustand's persist middleware wrote for these keys
   * before, so that what users saved then still reads back.
   */
  version?: number;
}

export function persisted<T>(
  key: string,
  schema: z.ZodType<T>,
  fallback: NoInfer<T>,
  { storage, version }: PersistedOptions,
): Persisted<T> {
  const stored: z.ZodType<T> =
    version === undefined
      ? schema
      : z
          .object({ state: z.unknown() })
          .transform((envelope) => envelope.state)
          .pipe(schema);
  return {
    load() {
      try {
        const text = storage?.getItem(key);
        if (text === null || text === undefined) return fallback;
        const parsed = stored.safeParse(JSON.parse(text));
        return parsed.success ? parsed.data : fallback;
      } catch {
        return fallback;
      }
    },
    save(value) {
      try {
        storage?.setItem(key, JSON.stringify(version === undefined ? value : { state: value, version }));
      } catch {
        // Storage full or turned off: the value still holds until the window closes.
      }
    },
  };
}

/** The entries of a stored list that read back as `item`: one damaged entry costs only itself. */
export function listOf<T>(item: z.ZodType<T>): z.ZodType<readonly T[]> {
  return z
    .array(z.unknown())
    .catch([])
    .transform((list) =>
      list.flatMap((entry) => {
        const parsed = item.safeParse(entry);
        return parsed.success ? [parsed.data] : [];
      }),
    );
}

/** The first entry of each id: ids stand for one entry each, and a hand-edited list may repeat one. */
export function uniqueIds<T extends { id: string }>(list: readonly T[]): T[] {
  const seen = new Set<string>();
  return list.filter((entry) => !seen.has(entry.id) && seen.add(entry.id));
}

/** A name the user gave something, as it is stored and as workspace files carry it. */
export const nameSchema = (max: number) =>
  z.string({ error: 'Name must be text.' }).trim().min(1, 'Name is empty.').max(max, `Name is longer than ${max} characters.`);
