/**
 * What the user keeps across launches: saved session definitions, recent endpoints and view
 * preferences, in localStorage. Everything read back (from storage or a workspace file) is
 * checked with zod and copied field by field; nothing read is ever spread into state.
 */
import { z } from 'zod';
import { createStore, type StoreApi } from 'zustand/vanilla';
import { sessionConfigSchema, tcpServerConfigSchema, type SessionConfig, type SessionKind } from '@shared/contract';
import { languageSchema, type Language } from '../i18n/languages';
import { listOf, nameSchema, persisted, uniqueIds, type KeyValueStorage } from '../store/persisted';

export const THEME_CHOICES = ['system', 'light', 'dark'] as const;
export type ThemeChoice = (typeof THEME_CHOICES)[number];

export interface SavedSession {
  /** Stable across renames; not written to workspace files. */
  id: string;
  name: string;
  config: SessionConfig;
}

export interface RecentEndpoint {
  kind: SessionKind;
  host: string;
  port: number;
}

/** The part of the workspace that a file carries and that opening a file replaces. */
export interface WorkspaceData {
  savedSessions: readonly SavedSession[];
  recentEndpoints: readonly RecentEndpoint[];
  theme: ThemeChoice;
  /** Undefined: follow the OS. */
  language: Language | undefined;
}

export interface WorkspaceState extends WorkspaceData {
  rememberEndpoint(endpoint: RecentEndpoint): void;
  /** Answers the new entry's id. */
  saveSession(name: string, config: SessionConfig): string;
  renameSession(id: string, name: string): void;
  deleteSession(id: string): void;
  /** Puts a deleted saved session back where it was (an undo). */
  restoreSession(saved: SavedSession, index: number): void;
  setTheme(theme: ThemeChoice): void;
  setLanguage(language: Language): void;
  replace(data: WorkspaceData): void;
}

export type WorkspaceStore = StoreApi<WorkspaceState>;

export const WORKSPACE_STORAGE_KEY = 'socket-inspector.workspace';
export const MAX_RECENT_ENDPOINTS = 10;
export const MAX_SAVED_SESSIONS = 200;
export const MAX_SESSION_NAME_LENGTH = 120;

/** One schema per shape, for localStorage and workspace files alike. */
export const themeChoiceSchema = z.enum(THEME_CHOICES, { error: `theme must be one of ${THEME_CHOICES.join(', ')}.` });

export const recentEndpointSchema = z.strictObject({
  kind: z.enum(['tcp-server', 'tcp-client', 'udp', 'relay'], { error: 'Kind must be tcp-server, tcp-client, udp or relay.' }),
  host: tcpServerConfigSchema.shape.host,
  port: tcpServerConfigSchema.shape.port,
});

export const savedSessionSchema = z.strictObject({
  id: z.string({ error: 'Id must be text.' }).min(1, 'Id is empty.'),
  name: nameSchema(MAX_SESSION_NAME_LENGTH),
  config: sessionConfigSchema,
});

export const cleanSessionName = (name: string): string => name.trim().slice(0, MAX_SESSION_NAME_LENGTH);

export function newId(): string {
  if (typeof crypto !== 'undefined' && typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  return `w-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

const sameEndpoint = (a: RecentEndpoint, b: RecentEndpoint): boolean => a.kind === b.kind && a.host === b.host && a.port === b.port;

/**
 * A config re-read through the contract's schema: zod builds a fresh object of the known keys
 * only, so whatever else a bridge object or a stored one carried stays behind.
 */
export function copyConfig(config: unknown): SessionConfig | undefined {
  const parsed = sessionConfigSchema.safeParse(config);
  return parsed.success ? parsed.data : undefined;
}

export function withRecent(list: readonly RecentEndpoint[], endpoint: RecentEndpoint): RecentEndpoint[] {
  const entry: RecentEndpoint = { kind: endpoint.kind, host: endpoint.host, port: endpoint.port };
  return [entry, ...list.filter((other) => !sameEndpoint(other, entry))].slice(0, MAX_RECENT_ENDPOINTS);
}

export const DEFAULT_WORKSPACE: WorkspaceData = { savedSessions: [], recentEndpoints: [], theme: 'system', language: undefined };

/** localStorage is anyone's to edit: each part falls back on its own, each list drops what does not read back. */
const storedWorkspaceSchema = z.object({
  savedSessions: listOf(savedSessionSchema).transform((list): readonly SavedSession[] => uniqueIds(list).slice(0, MAX_SAVED_SESSIONS)),
  // Oldest first, so withRecent leaves them in the stored order.
  recentEndpoints: listOf(recentEndpointSchema).transform((list): readonly RecentEndpoint[] =>
    list.slice(0, MAX_RECENT_ENDPOINTS).reverse().reduce<RecentEndpoint[]>(withRecent, []),
  ),
  theme: themeChoiceSchema.catch('system'),
  language: languageSchema.optional().catch(undefined),
});

/** One store per app; it loads itself from `storage` as it is created and saves each change there. */
export function createWorkspaceStore(storage: KeyValueStorage | undefined): WorkspaceStore {
  const kept = persisted(WORKSPACE_STORAGE_KEY, storedWorkspaceSchema, DEFAULT_WORKSPACE, { storage, version: 1 });
  const stored = kept.load();
  const store = createStore<WorkspaceState>()((set) => ({
    savedSessions: stored.savedSessions,
    recentEndpoints: stored.recentEndpoints,
    theme: stored.theme,
    language: stored.language,
    rememberEndpoint: (endpoint) => set((state) => ({ recentEndpoints: withRecent(state.recentEndpoints, endpoint) })),
    saveSession: (name, config) => {
      const id = newId();
      set((state) => ({
        savedSessions: [{ id, name: cleanSessionName(name), config }, ...state.savedSessions].slice(0, MAX_SAVED_SESSIONS),
      }));
      return id;
    },
    renameSession: (id, name) =>
      set((state) => ({
        savedSessions: state.savedSessions.map((saved) =>
          saved.id === id ? { id: saved.id, name: cleanSessionName(name), config: saved.config } : saved,
        ),
      })),
    deleteSession: (id) => set((state) => ({ savedSessions: state.savedSessions.filter((saved) => saved.id !== id) })),
    restoreSession: (saved, index) =>
      set((state) => {
        if (state.savedSessions.some((one) => one.id === saved.id)) return {};
        const savedSessions = [...state.savedSessions];
        savedSessions.splice(Math.min(index, savedSessions.length), 0, saved);
        return { savedSessions };
      }),
    setTheme: (theme) => set({ theme }),
    setLanguage: (language) => set({ language }),
    replace: (data) =>
      set({ savedSessions: data.savedSessions, recentEndpoints: data.recentEndpoints, theme: data.theme, language: data.language }),
  }));
  store.subscribe((state) =>
    kept.save({ savedSessions: state.savedSessions, recentEndpoints: state.recentEndpoints, theme: state.theme, language: state.language }),
  );
  return store;
}
