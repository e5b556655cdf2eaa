import type { NotShown } from '@shared/contract';

interface SessionTally {
  total: NotShown;
  connections: Map<string, NotShown>;
}

const copy = (tally: NotShown): NotShown => ({ bytes: tally.bytes, messages: tally.messages });

/** What the display path let go, per session and per TCP connection, for the counters it reports. */
export class NotShownTally {
  private readonly sessions = new Map<string, SessionTally>();

  add(sessionId: string, connId: string | undefined, bytes: number): void {
    let session = this.sessions.get(sessionId);
    if (!session) {
      session = { total: { bytes: 0, messages: 0 }, connections: new Map() };
      this.sessions.set(sessionId, session);
    }
    session.total.bytes += bytes;
    session.total.messages += 1;
    if (connId === undefined) return;
    const conn = session.connections.get(connId);
    if (conn) {
      conn.bytes += bytes;
      conn.messages += 1;
    } else {
      session.connections.set(connId, { bytes, messages: 1 });
    }
  }

  session(sessionId: string): NotShown | undefined {
    const session = this.sessions.get(sessionId);
    return session && copy(session.total);
  }

  connection(sessionId: string, connId: string): NotShown | undefined {
    const conn = this.sessions.get(sessionId)?.connections.get(connId);
    return conn && copy(conn);
  }

  /** A closed connection's tally is in its session's; the connection itself is gone. */
  forgetConnection(sessionId: string, connId: string): void {
    this.sessions.get(sessionId)?.connections.delete(connId);
  }

  forgetSession(sessionId: string): void {
    this.sessions.delete(sessionId);
  }
}
