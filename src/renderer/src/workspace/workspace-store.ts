/**
 * What the user keeps across launches: saved session definitions, recent endpoints and view
 * preferences, in localStorage. Everything read back (from storage or a workspace file) is
 * checked with zod and copied field by field; nothing read is ever spread into state.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import { createJSONStorage, persist, type StateStorage } from 'zustand/middleware';
import { sessionConfigSchema, type SessionConfig, type SessionKind } from '@shared/contract';
import { isLanguage, type Language } from '../i18n/languages';
import { isOneOf } from '@shared/validate';

export const THEME_CHOICES = ['system', 'light', 'dark'] as const;
export type ThemeChoice = (typeof THEME_CHOICES)[number];

export const isThemeChoice = (value: unknown): value is ThemeChoice => isOneOf(THEME_CHOICES, value);

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
  setTheme(theme: ThemeChoice): void;
  setLanguage(language: Language): void;
  replace(data: WorkspaceData): void;
}

export type WorkspaceStore = StoreApi<WorkspaceState>;

export const WORKSPACE_STORAGE_KEY = 'socket-inspector.workspace';
export const MAX_RECENT_ENDPOINTS = 10;
export const MAX_SAVED_SESSIONS = 200;
export const MAX_SESSION_NAME_LENGTH = 120;

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

function readSavedSessions(raw: unknown): SavedSession[] {
  if (!Array.isArray(raw)) return [];
  const seen = new Set<string>();
  const list: SavedSession[] = [];
  for (const entry of raw.slice(0, MAX_SAVED_SESSIONS)) {
    if (typeof entry !== 'object' || entry === null) continue;
    const r = entry as Record<string, unknown>;
    const config = copyConfig(r.config);
    if (typeof r.id !== 'string' || r.id === '' || seen.has(r.id) || typeof r.name !== 'string' || !config) continue;
    seen.add(r.id);
    list.push({ id: r.id, name: cleanSessionName(r.name), config });
  }
  return list;
}

function readRecent(raw: unknown): RecentEndpoint[] {
  if (!Array.isArray(raw)) return [];
  let list: RecentEndpoint[] = [];
  // Oldest first, so withRecent leaves them in the stored order.
  for (const entry of raw.slice(0, MAX_RECENT_ENDPOINTS).reverse()) {
    if (typeof entry !== 'object' || entry === null) continue;
    const r = entry as Record<string, unknown>;
    const config = copyConfig({ kind: r.kind, host: r.host, port: r.port });
    if (config) list = withRecent(list, { kind: config.kind, host: config.host, port: config.port });
  }
  return list;
}

/** localStorage is anyone's to edit: take only what reads back as the workspace. */
export function readStoredWorkspace(raw: unknown): WorkspaceData {
  if (typeof raw !== 'object' || raw === null) return DEFAULT_WORKSPACE;
  const r = raw as Record<string, unknown>;
  return {
    savedSessions: readSavedSessions(r.savedSessions),
    recentEndpoints: readRecent(r.recentEndpoints),
    theme: isThemeChoice(r.theme) ? r.theme : 'system',
    language: isLanguage(r.language) ? r.language : undefined,
  };
}

/** One store per app; it loads itself from `storage` (localStorage unless a test brings one). */
export function createWorkspaceStore(storage: () => StateStorage = () => localStorage): WorkspaceStore {
  return createStore<WorkspaceState>()(
    persist(
      (set) => ({
        ...DEFAULT_WORKSPACE,
        rememberEndpoint: (endpoint) => set((state) => ({ recentEndpoints: withRecent(state.recentEndpoints, endpoint) })),
        saveSession: (name, config) => {
          const id = newId();
          set((state) => ({ savedSessions: [{ id, name: cleanSessionName(name), config }, ...state.savedSessions].slice(0, MAX_SAVED_SESSIONS) }));
          return id;
        },
        renameSession: (id, name) =>
          set((state) => ({
            savedSessions: state.savedSessions.map((saved) => (saved.id === id ? { id: saved.id, name: cleanSessionName(name), config: saved.config } : saved)),
          })),
        deleteSession: (id) => set((state) => ({ savedSessions: state.savedSessions.filter((saved) => saved.id !== id) })),
        setTheme: (theme) => set({ theme }),
        setLanguage: (language) => set({ language }),
        replace: (data) =>
          set({ savedSessions: data.savedSessions, recentEndpoints: data.recentEndpoints, theme: data.theme, language: data.language }),
      }),
      {
        name: WORKSPACE_STORAGE_KEY,
        version: 1,
        storage: createJSONStorage(storage),
        partialize: (state) => ({
          savedSessions: state.savedSessions,
          recentEndpoints: state.recentEndpoints,
          theme: state.theme,
          language: state.language,
        }),
        merge: (persisted, current) => {
          const data = readStoredWorkspace(persisted);
          return { ...current, savedSessions: data.savedSessions, recentEndpoints: data.recentEndpoints, theme: data.theme, language: data.language };
        },
      },
    ),
  );
}
