import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { PeerCommand, PeerReply, PeerRequest } from './peer-protocol';

/** The peer bundle sits beside the bench bundle in out/bench. */
const PEER_SCRIPT = path.join(path.dirname(process.argv[1] ?? '.'), 'peer.mjs');

/** A peer process (bench/peer.ts), started and ready to take requests. */
export class PeerProcess {
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (reply: PeerReply) => void; reject: (err: Error) => void }>();

  private constructor(private readonly child: ChildProcess) {
    child.on('message', (reply: PeerReply) => {
      const waiter = this.waiting.get(reply.id);
      if (!waiter) return;
      this.waiting.delete(reply.id);
      if (reply.ok) waiter.resolve(reply);
      else waiter.reject(new Error(`The peer process failed: ${reply.error ?? 'no reason given'}`));
    });
    child.on('exit', (code, signal) => {
      for (const waiter of this.waiting.values())
        waiter.reject(new Error(`The peer process exited (${signal ?? code}) before it answered.`));
      this.waiting.clear();
    });
  }

  static start(): Promise<PeerProcess> {
    const child = fork(PEER_SCRIPT, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    return new Promise((resolve, reject) => {
      child.once('error', (err) =>
        reject(new Error(`The peer process could not start from ${PEER_SCRIPT}: ${err.message}. Build it with "npm run bench".`)),
      );
      child.once('message', () => resolve(new PeerProcess(child)));
    });
  }

  request(command: PeerCommand): Promise<PeerReply> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.child.send({ ...command, id } as PeerRequest);
    });
  }

  close(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      this.child.once('exit', () => resolve());
      this.child.disconnect();
    });
  }
}

/** Run `body` with a fresh peer process, closed afterwards whatever happens. */
export async function withPeer<T>(body: (peer: PeerProcess) => Promise<T>): Promise<T> {
  const peer = await PeerProcess.start();
  try {
    return await body(peer);
  } finally {
    await peer.close();
  }
}
