import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { InspectorApi, SessionConfig } from '@shared/contract';
import { AppCode } from '@shared/errors';
import type { AppError } from '@shared/result';
import { useApi, useLink } from '../api/host-context';
import { useWorkspace, useWorkspaceStore } from './workspace-context';
import type { SavedSession, WorkspaceStore } from './workspace-store';

type TlsSide = { key?: string; keyRef?: string };

/** The TLS sides of a config: a client's or a listener's own, a relay's two. */
function sidesOf(config: SessionConfig): TlsSide[] {
  if (config.kind === 'udp') return [];
  const own = config.tls ? [config.tls] : [];
  return config.kind === 'relay' && config.upstreamTls ? [...own, config.upstreamTls] : own;
}

const refsOf = (sessions: readonly SavedSession[]): Set<string> =>
  new Set(sessions.flatMap((saved) => sidesOf(saved.config).flatMap((tls) => (tls.keyRef === undefined ? [] : [tls.keyRef]))));

const holdsInlineKey = (saved: SavedSession): boolean => sidesOf(saved.config).some((tls) => tls.key !== undefined);

const hasInlineKey = (sessions: readonly SavedSession[]): boolean => sessions.some(holdsInlineKey);

/** A key main refused for one of the saved sessions: the reason in main's phrases. */
interface ImportRefused {
  key: string;
  error: AppError;
}

/**
 * A workspace (or workspace file) saved before keys stayed in main held them inline: each goes to
 * main's key store once, and the saved session keeps its reference instead (docs/security.md §
 * TLS). A key main refuses stays as it was, and nothing is replaced for it; the refusals are
 * answered, and a key in `skip` (refused before) is not offered again.
 */
async function moveInlineKeys(workspace: WorkspaceStore, api: InspectorApi, skip: ReadonlySet<string>): Promise<ImportRefused[]> {
  const { savedSessions } = workspace.getState();
  if (!hasInlineKey(savedSessions)) return [];
  const byKey = new Map<string, string>();
  const refused = new Map<string, AppError>();
  const refFor = async (key: string): Promise<string | undefined> => {
    if (skip.has(key) || refused.has(key)) return undefined;
    if (!byKey.has(key)) {
      const imported = await api.keys({ action: 'import', key });
      if (!imported.ok) {
        refused.set(key, imported.error);
        return undefined;
      }
      byKey.set(key, imported.value.keyRef);
    }
    return byKey.get(key);
  };
  const moved = async <T extends TlsSide>(tls: T | undefined): Promise<T | undefined> => {
    if (tls?.key === undefined) return tls;
    const keyRef = await refFor(tls.key);
    if (keyRef === undefined) return tls;
    const { key: _key, ...rest } = tls;
    return { ...rest, keyRef } as T;
  };
  const sessions: SavedSession[] = [];
  for (const saved of savedSessions) {
    const { config } = saved;
    let next: SessionConfig = config;
    if (config.kind === 'tcp-client' && config.tls) next = { ...config, tls: (await moved(config.tls))! };
    else if (config.kind === 'tcp-server' && config.tls) next = { ...config, tls: (await moved(config.tls))! };
    else if (config.kind === 'relay') {
      const tls = await moved(config.tls);
      const upstreamTls = await moved(config.upstreamTls);
      next = { ...config, ...(tls ? { tls } : {}), ...(upstreamTls ? { upstreamTls } : {}) };
    }
    sessions.push({ id: saved.id, name: saved.name, config: next });
  }
  const answer = [...refused].map(([key, error]) => ({ key, error }));
  const state = workspace.getState();
  // Saved sessions changed meanwhile: the next change moves what is left.
  if (byKey.size === 0 || state.savedSessions !== savedSessions) return answer;
  state.replace({ savedSessions: sessions, recentEndpoints: state.recentEndpoints, theme: state.theme, language: state.language });
  return answer;
}

/** What main would not do for a saved session's key, until it does or the user dismisses it. */
type Refusal =
  | { action: 'keep'; id: string; keyRef: string; error: AppError }
  /** An inline key left in the saved sessions `sessionIds`. */
  | { action: 'import'; id: string; sessionIds: readonly string[]; error: AppError };

/** A refusal as the notice shows it: the saved sessions it concerns, by the names the user gave them. */
export interface KeyRefusal {
  id: string;
  action: Refusal['action'];
  names: readonly string[];
  error: AppError;
}

export interface KeptKeys {
  /** The refusals whose saved sessions still name the key (or, for an import, still hold it inline). */
  refusals: readonly KeyRefusal[];
  /** Asks main again to keep a refused key, once the user has put right what it said. */
  retry(id: string): void;
  dismiss(id: string): void;
}

const namesKeyRef = (saved: SavedSession, keyRef: string) => sidesOf(saved.config).some((tls) => tls.keyRef === keyRef);

/**
 * Keeps main's key store in step with the saved sessions: a key a saved session names is kept
 * in main's own folder, so the session reopens after a restart; a key no saved session names any
 * more (deleted, or replaced by opening a workspace file) is forgotten there. Keys of open
 * sessions that were never saved live in main's memory only. What main refuses is answered as
 * refusals for the page to show: left unsaid, a saved session would lose its key at the next
 * restart without a word.
 */
export function useKeptKeys(): KeptKeys {
  const workspace = useWorkspaceStore();
  const api = useApi();
  const link = useLink();
  const savedSessions = useWorkspace((state) => state.savedSessions);
  const [refused, setRefused] = useState<readonly Refusal[]>([]);
  const keepAgain = useRef<(keyRef: string) => void>(() => undefined);

  useEffect(() => {
    let live = true;
    let named = new Set<string>();
    // Asked again at the next change of the saved sessions and when the link opens: refused, or
    // not asked at all because the link was down (a browser page's calls before its socket opens).
    const unkept = new Set<string>();
    // Keys main could not read: offering them again would only be refused again.
    const unreadable = new Set<string>();
    const settle = (id: string, refusal?: Refusal) =>
      setRefused((list) => [...list.filter((one) => one.id !== id), ...(refusal ? [refusal] : [])]);

    const keep = async (keyRef: string) => {
      unkept.delete(keyRef);
      const kept = await api.keys({ action: 'keep', keyRef });
      if (!live || !named.has(keyRef)) return;
      const id = `keep:${keyRef}`;
      if (kept.ok) return settle(id);
      unkept.add(keyRef);
      if (kept.error.code !== AppCode.Disconnected) settle(id, { action: 'keep', id, keyRef, error: kept.error });
    };
    keepAgain.current = (keyRef) => void keep(keyRef);

    const follow = (sessions: readonly SavedSession[]) => {
      const now = refsOf(sessions);
      const before = named;
      named = now;
      for (const keyRef of now) if (!before.has(keyRef) || unkept.has(keyRef)) void keep(keyRef);
      for (const keyRef of before) {
        if (now.has(keyRef)) continue;
        unkept.delete(keyRef);
        settle(`keep:${keyRef}`);
        void api.keys({ action: 'forget', keyRef });
      }
    };
    let moving = false;
    const move = () => {
      if (moving || !hasInlineKey(workspace.getState().savedSessions)) return;
      moving = true;
      void moveInlineKeys(workspace, api, unreadable)
        .then((refusals) => {
          if (!live) return;
          for (const { key, error } of refusals) {
            if (error.code === AppCode.Disconnected) continue;
            unreadable.add(key);
            const sessionIds = workspace
              .getState()
              .savedSessions.filter((saved) => sidesOf(saved.config).some((tls) => tls.key === key))
              .map((saved) => saved.id);
            const id = `import:${sessionIds.join(',')}`;
            settle(id, { action: 'import', id, sessionIds, error });
          }
        })
        .finally(() => (moving = false));
    };
    const unsubscribe = workspace.subscribe((state, before) => {
      if (state.savedSessions === before.savedSessions) return;
      follow(state.savedSessions);
      move();
    });
    // Kept again at each start and each time the link opens: a no-op for keys already in main's
    // folder, and a refusal said for a key main no longer holds (a restarted server's).
    let wasOpen = link.state() === 'open';
    const unlink = link.subscribe(() => {
      const open = link.state() === 'open';
      if (open && !wasOpen) {
        for (const keyRef of named) unkept.add(keyRef);
        follow(workspace.getState().savedSessions);
        move();
      }
      wasOpen = open;
    });
    follow(workspace.getState().savedSessions);
    move();
    return () => {
      live = false;
      unsubscribe();
      unlink();
    };
  }, [workspace, api, link]);

  const refusals = useMemo(
    () =>
      refused.flatMap((refusal): KeyRefusal[] => {
        const concerned = savedSessions.filter((saved) =>
          refusal.action === 'keep' ? namesKeyRef(saved, refusal.keyRef) : refusal.sessionIds.includes(saved.id) && holdsInlineKey(saved),
        );
        if (concerned.length === 0) return [];
        return [{ id: refusal.id, action: refusal.action, names: concerned.map((saved) => saved.name), error: refusal.error }];
      }),
    [refused, savedSessions],
  );
  const retry = useCallback(
    (id: string) => {
      const refusal = refused.find((one) => one.id === id);
      if (refusal?.action === 'keep') keepAgain.current(refusal.keyRef);
    },
    [refused],
  );
  const dismiss = useCallback((id: string) => setRefused((list) => list.filter((one) => one.id !== id)), []);
  return { refusals, retry, dismiss };
}
