import { useRef } from 'react';
import type { Counters } from '@shared/contract';
import type { InspectorState } from './inspector-store';
import { useInspector } from './store-context';
import { ZERO_COUNTERS, type ConnectionView, type SessionView } from './views';

/**
 * Every batch of traffic gives a session and its connections new counters, so a part of the
 * page that selects the whole session redraws ~60 times a second in a flood. These hooks give
 * each part only what it shows: the same object for as long as nothing it shows has changed,
 * and the counters, which change all the time, to the few small parts that show them.
 */

/** A session as the parts that do not show its counters (nor its automation's, which move as often) see it. */
export type SessionShape = Omit<SessionView, 'counters' | 'notShown' | 'automation'>;
/** A connection as the parts that do not show its counters see it. */
export type ConnectionShape = Omit<ConnectionView, 'counters'>;

const NO_IDS: readonly string[] = [];
const COUNTER_KEYS: ReadonlySet<string> = new Set(['counters', 'notShown', 'automation']);

/** The store's views are updated by copy, so a key whose value is the same object is unchanged. */
function sameExceptCounters(a: object, b: object): boolean {
  const before = a as Record<string, unknown>;
  const now = b as Record<string, unknown>;
  const keys = Object.keys(now);
  if (keys.length !== Object.keys(before).length) return false;
  return keys.every((key) => COUNTER_KEYS.has(key) || before[key] === now[key]);
}

const sameIds = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((id, i) => id === b[i]);

/** Select with the last answer kept while `same` says the new one is no different. */
export function useStableSelect<T>(select: (state: InspectorState) => T, same: (before: T, now: T) => boolean): T {
  const last = useRef<{ value: T } | undefined>(undefined);
  return useInspector((state) => {
    const now = select(state);
    if (last.current === undefined || !same(last.current.value, now)) last.current = { value: now };
    return last.current.value;
  });
}

const sameView = <T extends object>(before: T | undefined, now: T | undefined) =>
  before === now || (before !== undefined && now !== undefined && sameExceptCounters(before, now));

export function useSessionShape(sessionId: string | undefined): SessionShape | undefined {
  return useStableSelect<SessionShape | undefined>(
    (state) => (sessionId === undefined ? undefined : state.sessions.get(sessionId)),
    sameView,
  );
}

export function useConnectionShape(sessionId: string, connId: string): ConnectionShape | undefined {
  return useStableSelect<ConnectionShape | undefined>((state) => state.connections.get(sessionId)?.get(connId), sameView);
}

/** The sessions' ids in the store's order, less those removed and kept for an undo: a new array only when one came or went. */
export function useSessionIds(): readonly string[] {
  return useStableSelect((state) => (state.sessions.size === 0 ? NO_IDS : shownSessionIds(state.sessions)), sameIds);
}

export function shownSessionIds(sessions: ReadonlyMap<string, SessionView>): string[] {
  const ids: string[] = [];
  for (const [id, session] of sessions) if (session.removingUntil === undefined) ids.push(id);
  return ids;
}

/** A session's connection ids in the order they came: a new array only when one came or went. */
export function useConnectionIds(sessionId: string): readonly string[] {
  return useStableSelect((state) => {
    const connections = state.connections.get(sessionId);
    return connections === undefined || connections.size === 0 ? NO_IDS : [...connections.keys()];
  }, sameIds);
}

/** A live connection as the connections table lists it: whether a row for its TLS handshake follows. */
export interface OpenConnectionRow {
  connId: string;
  tls: boolean;
}

const NO_ROWS: readonly OpenConnectionRow[] = [];
const sameRows = (a: readonly OpenConnectionRow[], b: readonly OpenConnectionRow[]) =>
  a.length === b.length && a.every((row, i) => row.connId === b[i]!.connId && row.tls === b[i]!.tls);

/** A session's open connections in the order they came: a new array only when one came or went, or its TLS did. */
export function useOpenConnectionRows(sessionId: string): readonly OpenConnectionRow[] {
  return useStableSelect((state) => {
    const connections = state.connections.get(sessionId);
    if (connections === undefined || connections.size === 0) return NO_ROWS;
    return Array.from(connections.values(), (conn) => ({
      connId: conn.connId,
      tls: conn.tls !== undefined || conn.relay?.upstreamTls !== undefined,
    }));
  }, sameRows);
}

/** Rules' hits, heartbeats and the repeat run of a session: for the few parts that show them. */
export function useSessionAutomation(sessionId: string): SessionView['automation'] {
  return useInspector((state) => state.sessions.get(sessionId)?.automation);
}

export function useSessionCounters(sessionId: string): Counters {
  return useInspector((state) => state.sessions.get(sessionId)?.counters ?? ZERO_COUNTERS);
}

export function useConnectionCounters(sessionId: string, connId: string): Counters {
  return useInspector((state) => state.connections.get(sessionId)?.get(connId)?.counters ?? ZERO_COUNTERS);
}
