import type { CloseReason } from '@shared/contract';
import { RECENTLY_CLOSED_CONNECTIONS } from '@shared/limits';
import { phrase, type Phrase } from '@shared/phrase';

/** How a connection ended, in words: "the peer sent FIN and the 5 s half-close linger ended". */
export interface Closure {
  connId: string;
  at: number;
  reason: CloseReason;
  why: Phrase;
}

/** A clock time as people read it in a log: 12:00:01.123, local time. */
export function clockTime(at: number): string {
  const d = new Date(at);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, '0')}`;
}

export function describeClosure(closure: Closure): Phrase {
  return phrase('tcp.closed', { connId: closure.connId, time: clockTime(closure.at), why: closure.why });
}

/**
 * The last few connections a session closed, so a send or disconnect naming one says why and
 * when it closed instead of only "no such connection". Bounded: the oldest is forgotten first.
 */
export class RecentlyClosed {
  private readonly closures = new Map<string, Closure>();

  remember(closure: Closure): void {
    this.closures.delete(closure.connId);
    this.closures.set(closure.connId, closure);
    if (this.closures.size > RECENTLY_CLOSED_CONNECTIONS) this.closures.delete(this.closures.keys().next().value as string);
  }

  get(connId: string): Closure | undefined {
    return this.closures.get(connId);
  }
}
