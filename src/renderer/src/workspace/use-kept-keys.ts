import { useEffect } from 'react';
import type { InspectorApi, SessionConfig } from '@shared/contract';
import { useApi } from '../api/host-context';
import { useWorkspaceStore } from './workspace-context';
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

const hasInlineKey = (sessions: readonly SavedSession[]): boolean =>
  sessions.some((saved) => sidesOf(saved.config).some((tls) => tls.key !== undefined));

/**
 * A workspace (or workspace file) saved before keys stayed in main held them inline: each goes to
 * main's key store once, and the saved session keeps its reference instead (docs/security.md §
 * TLS). A key main refuses stays as it was, and nothing is replaced for it.
 */
async function moveInlineKeys(workspace: WorkspaceStore, api: InspectorApi): Promise<void> {
  const { savedSessions } = workspace.getState();
  if (!hasInlineKey(savedSessions)) return;
  const byKey = new Map<string, string>();
  const refFor = async (key: string): Promise<string | undefined> => {
    if (!byKey.has(key)) {
      const imported = await api.keys({ action: 'import', key });
      if (!imported.ok) return undefined;
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
  const state = workspace.getState();
  // Saved sessions changed meanwhile: the next change moves what is left.
  if (byKey.size === 0 || state.savedSessions !== savedSessions) return;
  state.replace({ savedSessions: sessions, recentEndpoints: state.recentEndpoints, theme: state.theme, language: state.language });
}

/**
 * Keeps main's key store in step with the saved sessions: a key a saved session names is kept
 * in main's own folder, so the session reopens after a restart; a key no saved session names any
 * more (deleted, or replaced by opening a workspace file) is forgotten there. Keys of open
 * sessions that were never saved live in main's memory only.
 */
export function useKeptKeys(): void {
  const workspace = useWorkspaceStore();
  const api = useApi();
  useEffect(() => {
    let known = new Set<string>();
    const follow = (sessions: readonly SavedSession[]) => {
      const now = refsOf(sessions);
      for (const keyRef of now) if (!known.has(keyRef)) void api.keys({ action: 'keep', keyRef });
      for (const keyRef of known) if (!now.has(keyRef)) void api.keys({ action: 'forget', keyRef });
      known = now;
    };
    let moving = false;
    const move = () => {
      if (moving || !hasInlineKey(workspace.getState().savedSessions)) return;
      moving = true;
      void moveInlineKeys(workspace, api).finally(() => (moving = false));
    };
    const unsubscribe = workspace.subscribe((state, before) => {
      if (state.savedSessions === before.savedSessions) return;
      follow(state.savedSessions);
      move();
    });
    // Kept again at each start: a no-op for keys already in main's folder.
    follow(workspace.getState().savedSessions);
    move();
    return unsubscribe;
  }, [workspace, api]);
}
