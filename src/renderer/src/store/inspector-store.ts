import { createStore, type StoreApi } from 'zustand/vanilla';
import type { EventBatch, SessionInfo } from '../../../shared/contract';
import { MAX_ERRORS_PER_SESSION, MAX_LOG_BYTES_PER_SESSION, MAX_LOG_ENTRIES_PER_SESSION } from '../limits';
import { applyBatch, emptyData, EMPTY_LOG, resyncSessions, seedSessions, type InspectorData, type StoreLimits } from './apply-batch';

export type LogView = 'text' | 'hex';

export interface InspectorState extends InspectorData {
  selectedId: string | undefined;
  /** How every log row shows its payload. */
  logView: LogView;
  applyBatch(batch: EventBatch): void;
  seed(list: readonly SessionInfo[]): void;
  /** The same server after a reconnect: its list replaces what the store believed. */
  resync(list: readonly SessionInfo[]): void;
  /** A restarted server: every session the store knew is gone. */
  reset(): void;
  select(sessionId: string | undefined): void;
  setLogView(view: LogView): void;
  clearLog(sessionId: string): void;
  dismissErrors(sessionId: string): void;
}

export type InspectorStore = StoreApi<InspectorState>;

export const DEFAULT_LIMITS: StoreLimits = {
  maxLogEntries: MAX_LOG_ENTRIES_PER_SESSION,
  maxLogBytes: MAX_LOG_BYTES_PER_SESSION,
  maxErrors: MAX_ERRORS_PER_SESSION,
};

/**
 * Keep the selection unless its session was removed; then, or when nothing is selected, take
 * the newest session. An id not seen yet is kept: `open` answers before its first event lands.
 */
function settleSelection(selectedId: string | undefined, data: InspectorData): string | undefined {
  const { sessions, removed } = data;
  if (selectedId !== undefined && (sessions.has(selectedId) || !removed.has(selectedId))) return selectedId;
  let newest: string | undefined;
  for (const id of sessions.keys()) newest = id;
  return newest;
}

/** One store per bridge: tests create their own, the app creates one at start. */
export function createInspectorStore(limits: StoreLimits = DEFAULT_LIMITS): InspectorStore {
  return createStore<InspectorState>()((set) => ({
    ...emptyData(),
    selectedId: undefined,
    logView: 'text',
    applyBatch: (batch) =>
      set((state) => {
        const data = applyBatch(state, batch, limits);
        return { ...data, selectedId: settleSelection(state.selectedId, data) };
      }),
    seed: (list) =>
      set((state) => {
        const data = seedSessions(state, list, limits);
        return { ...data, selectedId: settleSelection(state.selectedId, data) };
      }),
    resync: (list) =>
      set((state) => {
        const data = resyncSessions(state, list, limits);
        return { ...data, selectedId: settleSelection(state.selectedId, data) };
      }),
    reset: () => set({ ...emptyData(), selectedId: undefined }),
    select: (sessionId) => set({ selectedId: sessionId }),
    setLogView: (logView) => set({ logView }),
    clearLog: (sessionId) =>
      set((state) => {
        if (!state.logs.has(sessionId)) return {};
        const logs = new Map(state.logs);
        logs.set(sessionId, EMPTY_LOG);
        return { logs };
      }),
    dismissErrors: (sessionId) =>
      set((state) => {
        if (!state.errors.has(sessionId)) return {};
        const errors = new Map(state.errors);
        errors.delete(sessionId);
        return { errors };
      }),
  }));
}
