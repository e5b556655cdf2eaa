import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ChecksumOption, EventBatch, LogHistory, SessionInfo, TextEncodingName } from '@shared/contract';
import { MAX_ERRORS_PER_SESSION, MAX_LOG_BYTES_PER_SESSION } from '../limits';
import {
  applyBatch,
  clearClosedConnections,
  emptyData,
  EMPTY_LOG,
  restoreHistory,
  resyncSessions,
  seedSessions,
  trimLog,
  type InspectorData,
  type StoreLimits,
} from './apply-batch';
import type { OpenTranscript } from './transcript-view';
import type { SessionLog } from './views';
import {
  clampLogLimit,
  DEFAULT_FRAMING,
  DEFAULT_LOG_LIMIT,
  DEFAULT_ROW_LOOK,
  persistedLogPrefs,
  type FramingSettings,
  type LogPrefs,
  type LogView,
  type RowLook,
} from './log-prefs';
import type { KeyValueStorage } from './persisted';
import { persistedLayoutPrefs, type LayoutPrefs, type PanelLayout } from './layout-prefs';

export type { LogView } from './log-prefs';

export interface InspectorState extends InspectorData, LogPrefs, LayoutPrefs {
  selectedId: string | undefined;
  /** Transcript files opened read-only; apart from the engine's sessions, which events never touch. */
  transcripts: ReadonlyMap<string, OpenTranscript>;
  /** A transcript shown instead of the selected session. */
  selectedTranscriptId: string | undefined;
  /** Payload bytes one log keeps at most (fixed; the entry limit is the user's). */
  readonly logBytesLimit: number;
  /** A message picked in a session's log to try the rules on; `id` tells one pick from the next. */
  ruleTrial: RuleTrial | undefined;
  tryRulesOn(sessionId: string, bytes: Uint8Array): void;
  applyBatch(batch: EventBatch): void;
  seed(list: readonly SessionInfo[]): void;
  /** The same server after a reconnect: its list replaces what the store believed. */
  resync(list: readonly SessionInfo[]): void;
  /** What the engine kept of each log (a reload, a reconnect), then its list; `whole` after a reconnect, as `resync`. */
  restore(history: LogHistory, list: readonly SessionInfo[], whole: boolean): void;
  /** A restarted server: every session the store knew is gone, and the user is told how many (none: nothing to tell). */
  endWithServer(): void;
  /** Sessions that ended with a restarted server, until the user dismisses the notice or reopens. */
  endedWithServer: number;
  dismissEndedWithServer(): void;
  /** Shows a session (and no transcript). */
  select(sessionId: string | undefined): void;
  /** Adds an opened transcript and shows it. */
  openTranscript(transcript: OpenTranscript): void;
  selectTranscript(transcriptId: string): void;
  closeTranscript(transcriptId: string): void;
  setLogView(view: LogView): void;
  setLogEncoding(encoding: TextEncodingName): void;
  setFraming(framing: FramingSettings): void;
  setLogChecksum(checksum: ChecksumOption | undefined): void;
  setRowLook(look: RowLook): void;
  /** Clamped to MIN_LOG_LIMIT–MAX_LOG_LIMIT; a lower limit trims every log at once. */
  setLogLimit(limit: number): void;
  clearLog(sessionId: string): void;
  dismissErrors(sessionId: string): void;
  /** Forgets the closed connections a session still lists. */
  clearClosed(sessionId: string): void;
  /** A group's panel sizes after the user moved a splitter or collapsed a panel. */
  setPanelLayout(groupId: string, layout: PanelLayout): void;
  setLogMaximized(maximized: boolean): void;
}

export type InspectorStore = StoreApi<InspectorState>;

export interface RuleTrial {
  sessionId: string;
  bytes: Uint8Array;
  id: number;
}

export const DEFAULT_LIMITS: StoreLimits = {
  maxLogEntries: DEFAULT_LOG_LIMIT,
  maxLogBytes: MAX_LOG_BYTES_PER_SESSION,
  maxErrors: MAX_ERRORS_PER_SESSION,
};

/**
 * Keep the selection unless its session was removed; then, or when nothing is selected, take
 * the newest session. An id not seen yet is kept: `open` answers before its first event lands.
 */
function settleSelection(selectedId: string | undefined, data: InspectorData): string | undefined {
  const { sessions, removed } = data;
  const selected = selectedId === undefined ? undefined : sessions.get(selectedId);
  if (selectedId !== undefined && (selected ? selected.removingUntil === undefined : !removed.has(selectedId))) return selectedId;
  let newest: string | undefined;
  for (const [id, session] of sessions) if (session.removingUntil === undefined) newest = id;
  return newest;
}

export interface StoreOptions {
  /** Where log preferences are kept across launches; none in tests that want a clean slate. */
  storage?: KeyValueStorage;
}

/** One store per bridge: tests create their own, the app creates one at start. */
export function createInspectorStore(base: StoreLimits = DEFAULT_LIMITS, options: StoreOptions = {}): InspectorStore {
  const kept = persistedLogPrefs(options.storage, {
    logLimit: base.maxLogEntries,
    logView: 'text',
    logEncoding: 'utf-8',
    framing: DEFAULT_FRAMING,
    rowLook: DEFAULT_ROW_LOOK,
    logChecksum: undefined,
  });
  const prefs = kept.load();
  const keptLayout = persistedLayoutPrefs(options.storage);
  const layoutPrefs = keptLayout.load();
  // The entry bound is the user's setting; the byte and error bounds stay fixed.
  const limitsOf = (state: LogPrefs): StoreLimits => ({ ...base, maxLogEntries: state.logLimit });
  return createStore<InspectorState>()((set, get) => {
    const setPrefs = (change: Partial<InspectorState>) => {
      set(change);
      const { logLimit, logView, logEncoding, framing, rowLook, logChecksum } = get();
      kept.save({ logLimit, logView, logEncoding, framing, rowLook, logChecksum });
    };
    const setLayoutPrefs = (change: Partial<LayoutPrefs>) => {
      set(change);
      const { layouts, logMaximized } = get();
      keptLayout.save({ layouts, logMaximized });
    };
    return {
      ...emptyData(),
      layouts: layoutPrefs.layouts,
      logMaximized: layoutPrefs.logMaximized,
      logLimit: prefs.logLimit,
      logView: prefs.logView,
      logEncoding: prefs.logEncoding,
      framing: prefs.framing,
      rowLook: prefs.rowLook,
      logChecksum: prefs.logChecksum,
      selectedId: undefined,
      transcripts: new Map(),
      selectedTranscriptId: undefined,
      ruleTrial: undefined,
      tryRulesOn: (sessionId, bytes) => set((state) => ({ ruleTrial: { sessionId, bytes, id: (state.ruleTrial?.id ?? 0) + 1 } })),
      logBytesLimit: base.maxLogBytes,
      applyBatch: (batch) =>
        set((state) => {
          const data = applyBatch(state, batch, limitsOf(state));
          return { ...data, selectedId: settleSelection(state.selectedId, data) };
        }),
      seed: (list) =>
        set((state) => {
          const data = seedSessions(state, list, limitsOf(state));
          return { ...data, selectedId: settleSelection(state.selectedId, data) };
        }),
      resync: (list) =>
        set((state) => {
          const data = resyncSessions(state, list, limitsOf(state));
          return { ...data, selectedId: settleSelection(state.selectedId, data) };
        }),
      restore: (history, list, whole) =>
        set((state) => {
          const data = restoreHistory(state, history, list, limitsOf(state), whole);
          return { ...data, selectedId: settleSelection(state.selectedId, data) };
        }),
      endedWithServer: 0,
      // Transcripts are files, not the server's: a restarted server leaves them open.
      endWithServer: () =>
        set((state) => ({ ...emptyData(), selectedId: undefined, endedWithServer: state.endedWithServer + state.sessions.size })),
      dismissEndedWithServer: () => set({ endedWithServer: 0 }),
      select: (sessionId) => set({ selectedId: sessionId, selectedTranscriptId: undefined }),
      openTranscript: (transcript) =>
        set((state) => ({ transcripts: new Map(state.transcripts).set(transcript.id, transcript), selectedTranscriptId: transcript.id })),
      selectTranscript: (transcriptId) =>
        set((state) => (state.transcripts.has(transcriptId) ? { selectedTranscriptId: transcriptId } : {})),
      closeTranscript: (transcriptId) =>
        set((state) => {
          if (!state.transcripts.has(transcriptId)) return {};
          const transcripts = new Map(state.transcripts);
          transcripts.delete(transcriptId);
          return {
            transcripts,
            selectedTranscriptId: state.selectedTranscriptId === transcriptId ? undefined : state.selectedTranscriptId,
          };
        }),
      setLogView: (logView) => setPrefs({ logView }),
      setLogEncoding: (logEncoding) => setPrefs({ logEncoding }),
      setFraming: (framing) => setPrefs({ framing }),
      setRowLook: (rowLook) => setPrefs({ rowLook }),
      setLogChecksum: (logChecksum) => setPrefs({ logChecksum }),
      setLogLimit: (limit) => {
        const logLimit = clampLogLimit(limit);
        const state = get();
        const limits = { ...limitsOf(state), maxLogEntries: logLimit };
        let logs: Map<string, SessionLog> | undefined;
        for (const [sessionId, log] of state.logs) {
          const trimmed = trimLog(log, limits);
          if (trimmed !== log) (logs ??= new Map(state.logs)).set(sessionId, trimmed);
        }
        // An opened transcript keeps to the same bound; what leaves is counted as not shown.
        let transcripts: Map<string, OpenTranscript> | undefined;
        for (const [transcriptId, transcript] of state.transcripts) {
          const trimmed = trimLog(transcript.log, limits);
          if (trimmed !== transcript.log) (transcripts ??= new Map(state.transcripts)).set(transcriptId, { ...transcript, log: trimmed });
        }
        setPrefs({ logLimit, ...(logs ? { logs } : {}), ...(transcripts ? { transcripts } : {}) });
      },
      clearLog: (sessionId) =>
        set((state) => {
          const log = state.logs.get(sessionId);
          if (!log) return {};
          const logs = new Map(state.logs);
          logs.set(sessionId, { ...EMPTY_LOG, epoch: log.epoch + 1 });
          return { logs };
        }),
      setPanelLayout: (groupId, layout) => setLayoutPrefs({ layouts: { ...get().layouts, [groupId]: { ...layout } } }),
      setLogMaximized: (logMaximized) => setLayoutPrefs({ logMaximized }),
      clearClosed: (sessionId) => set((state) => clearClosedConnections(state, sessionId, limitsOf(state))),
      dismissErrors: (sessionId) =>
        set((state) => {
          if (!state.errors.has(sessionId)) return {};
          const errors = new Map(state.errors);
          errors.delete(sessionId);
          return { errors };
        }),
    };
  });
}
