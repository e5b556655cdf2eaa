import { useCallback, useEffect, useRef } from 'react';
import type { SendTargetConnection } from './use-send-targets';
import { QUEUE_RETRY_MS } from '@shared/limits';

/**
 * A wait for the engine's "unblocked" backpressure, seen through the store: it ends when a
 * connection that was blocked is no longer (or is gone), or after QUEUE_RETRY_MS at most so a
 * send is tried again even if the event never comes.
 */
export function useRoomWaiter(connections: ReadonlyMap<string, SendTargetConnection>): (signal: AbortSignal) => Promise<void> {
  const waiters = useRef(new Set<() => void>());
  const wasBlocked = useRef(new Set<string>());

  useEffect(() => {
    const blocked = new Set<string>();
    for (const conn of connections.values()) if (conn.blocked) blocked.add(conn.connId);
    const freed = [...wasBlocked.current].some((connId) => !blocked.has(connId));
    wasBlocked.current = blocked;
    if (freed) for (const wake of [...waiters.current]) wake();
  }, [connections]);

  return useCallback(
    (signal: AbortSignal) =>
      new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          waiters.current.delete(wake);
          signal.removeEventListener('abort', wake);
          resolve();
        };
        const timer = setTimeout(wake, QUEUE_RETRY_MS);
        waiters.current.add(wake);
        signal.addEventListener('abort', wake);
      }),
    [],
  );
}
