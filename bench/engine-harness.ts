import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { MessageChannel } from 'node:worker_threads';
import type { SessionManager } from '@engine/session-manager';
import { createHost, type Host } from '@host/create-host';
import { Recorder } from '@recorder/recorder';
import type { EventBatch, MethodArgs, SessionInfo } from '@shared/contract';
import { dispatch } from '@shared/dispatch';

/**
 * The engine as the desktop app runs it: a SessionManager whose batches go to a sink that does
 * what the IPC forwarder's webContents.send() does with them (serialize with V8's structured
 * clone), optionally recording into a fresh temp folder.
 */

/**
 * Electron's IPC serializer (shell/common/v8_value_serializer.cc) is a plain V8 ValueSerializer
 * on the stack: typed arrays are cloned natively, with their whole ArrayBuffer, and the
 * serializer is gone when send() returns. Node has no call that does just that:
 * - v8.serialize() treats every typed array as a host object and calls back into JavaScript
 *   for each, which cost the UDP flood a third of its engine time in a profile;
 * - a `new v8.Serializer()` lives until its JavaScript wrapper is collected, and until then it
 *   holds every object it wrote (V8 keeps the serializer's identity map as a strong root), so
 *   each batch's events survived a scavenge and were promoted: 21 MB in a 2-second flood, and a
 *   fifth of the datagrams lost to the collector, none of which Electron does.
 * A MessagePort serializes in C++ with a ValueSerializer on the stack, and a closed one still
 * serializes (and throws what cannot be cloned) before it drops the message: that is the cost
 * of webContents.send() in main, without a receiver's.
 */
function electronLikeSender(): (value: unknown) => void {
  const { port1, port2 } = new MessageChannel();
  port1.close();
  port2.close();
  const send = (value: unknown) => port1.postMessage(value);
  // If a Node release ever stops serializing for a closed port, the figures would flatter the
  // engine: refuse to run rather than measure nothing.
  try {
    send({ notCloneable: () => undefined });
  } catch {
    return send;
  }
  throw new Error('A closed MessagePort no longer serializes what it is given; the bench cannot stand in for Electron IPC.');
}

export class BenchEngine {
  private readonly host: Host<Recorder | undefined>;
  readonly manager: SessionManager;
  readonly recorder: Recorder | undefined;
  batches = 0;
  /** performance.now() of each batch, when asked to keep them. */
  readonly batchTimes: number[] = [];
  /** Data bytes the batches carried to the window. */
  shownBytes = 0;
  /** Events the sink received, by type, and events the batcher left out of batches. */
  readonly eventCounts = new Map<string, number>();
  omitted = 0;
  /** Connections listed by the batches' counters events, all told. */
  countersConnections = 0;

  private constructor(
    readonly folder: string,
    record: boolean,
    keepTimes: boolean,
  ) {
    this.recorder = record
      ? new Recorder({ folder, recordByDefault: false, app: { name: 'Socket Inspector bench', version: 'bench' } })
      : undefined;
    const send = electronLikeSender();
    this.host = createHost({
      onBatch: (batch: EventBatch) => {
        this.batches += 1;
        if (keepTimes) this.batchTimes.push(performance.now());
        send(batch);
        this.omitted += batch.omitted ?? 0;
        for (const event of batch.events) {
          this.eventCounts.set(event.type, (this.eventCounts.get(event.type) ?? 0) + 1);
          if (event.type === 'data') this.shownBytes += event.bytes.byteLength;
          else if (event.type === 'counters') this.countersConnections += event.connections.length;
        }
      },
      recorder: this.recorder,
    });
    this.manager = this.host.engine;
  }

  static async start(options: { record?: boolean; keepBatchTimes?: boolean } = {}): Promise<BenchEngine> {
    const folder = await mkdtemp(path.join(os.tmpdir(), 'si-bench-'));
    return new BenchEngine(folder, options.record ?? false, options.keepBatchTimes ?? false);
  }

  /** Open a session through the same validation every transport uses. */
  async open(config: MethodArgs<'open'>['config']): Promise<SessionInfo> {
    const opened = await dispatch(this.manager, 'open', { config });
    if (!opened.ok) throw new Error(`The engine could not open a ${config.kind} session: ${opened.error.message}`);
    return opened.value as SessionInfo;
  }

  async info(sessionId: string): Promise<SessionInfo> {
    const list = await this.manager.list({});
    const info = list.ok ? list.value.find((s) => s.id === sessionId) : undefined;
    if (!info) throw new Error(`Session ${sessionId} is gone from the engine.`);
    return info;
  }

  count(type: string): number {
    return this.eventCounts.get(type) ?? 0;
  }

  /** Stop recording: resolves once the end record is written and the file closed. */
  async stopRecording(sessionId: string): Promise<string> {
    const stopped = await this.manager.record({ sessionId, action: 'stop' });
    if (!stopped.ok) throw new Error(`The recording did not stop cleanly: ${stopped.error.message}`);
    return stopped.value.path;
  }

  async dispose(): Promise<void> {
    await this.host.dispose();
    await rm(this.folder, { recursive: true, force: true });
  }
}

/** Run `body` with a fresh engine, disposed (and its temp folder removed) afterwards. */
export async function withEngine<T>(
  options: { record?: boolean; keepBatchTimes?: boolean },
  body: (engine: BenchEngine) => Promise<T>,
): Promise<T> {
  const engine = await BenchEngine.start(options);
  try {
    return await body(engine);
  } finally {
    await engine.dispose();
  }
}
