/**
 * How the user arranged the workspace: the sizes of each resizable group's panels, which are
 * collapsed, and whether the log is maximized. Kept across launches in localStorage and read
 * back through a schema, since anything may have been written there.
 */
import { z } from 'zod';
import { persisted, type KeyValueStorage, type Persisted } from './persisted';

/** Panel id → its share of the group, in percent (what react-resizable-panels reports). */
export type PanelLayout = Readonly<Record<string, number>>;

export interface LayoutPrefs {
  /** Group id → the layout it last had after the user moved a splitter. */
  layouts: Readonly<Record<string, PanelLayout>>;
  /** The log fills the window, over the sidebar, connections and composer. */
  logMaximized: boolean;
}

export const DEFAULT_LAYOUT_PREFS: LayoutPrefs = { layouts: {}, logMaximized: false };

export const LAYOUT_STORAGE_KEY = 'socket-inspector.layout';

/** Only ids this app makes: short words, so a hand-edited file cannot grow the store without bound. */
const idSchema = z.string().regex(/^[a-z0-9:.,-]{1,120}$/);
const MAX_GROUPS = 32;

const layoutSchema = z.record(idSchema, z.number().min(0).max(100));

const schema = z.object({
  layouts: z
    .record(idSchema, z.unknown())
    .catch({})
    .transform((all) => {
      const kept: Record<string, PanelLayout> = {};
      for (const [id, value] of Object.entries(all).slice(0, MAX_GROUPS)) {
        const parsed = layoutSchema.safeParse(value);
        if (parsed.success) kept[id] = parsed.data;
      }
      return kept;
    }),
  logMaximized: z.boolean().catch(false),
});

export function persistedLayoutPrefs(storage: KeyValueStorage | undefined): Persisted<LayoutPrefs> {
  return persisted(LAYOUT_STORAGE_KEY, schema, DEFAULT_LAYOUT_PREFS, { storage });
}
