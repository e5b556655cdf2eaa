import { useStableSelect } from '../store/stable-views';
import type { ConnectionView } from '../store/views';

/** What sending needs of a listener's connection: not its counters, which change with every batch. */
export type SendTargetConnection = Pick<ConnectionView, 'connId' | 'remote' | 'blocked'>;

const NONE: ReadonlyMap<string, SendTargetConnection> = new Map();

function unchanged(before: ReadonlyMap<string, SendTargetConnection>, now: ReadonlyMap<string, SendTargetConnection>): boolean {
  if (before.size !== now.size) return false;
  for (const [connId, conn] of now) {
    const was = before.get(connId);
    // The store updates views by copy, so an unchanged remote is the same object.
    if (!was || was.blocked !== conn.blocked || was.remote !== conn.remote) return false;
  }
  return true;
}

/**
 * A session's connections as the composer sees them. The same map comes back for as long as
 * no connection came, went, or was blocked or freed, so traffic alone never redraws the
 * composer (whose multi-line field measures its own height, a forced layout, on every render).
 */
export function useSendTargets(sessionId: string): ReadonlyMap<string, SendTargetConnection> {
  return useStableSelect<ReadonlyMap<string, SendTargetConnection>>((state) => state.connections.get(sessionId) ?? NONE, unchanged);
}
