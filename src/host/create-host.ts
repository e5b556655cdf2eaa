/**
 * The one place an engine meets its recorder and its event sink. The engine and the recorder may
 * not import each other (they meet at src/ports/recorder.ts); every process that runs them — the
 * desktop app's main, browser mode, stdio, the bench and the renderer's local test bridge — wires
 * them here, so all of them record, flush and shut down the same way. docs/architecture.md §
 * The transport kit.
 */
import { SessionManager } from '@engine/session-manager';
import type { RecorderPort } from '@ports/recorder';
import type { EventBatch } from '@shared/contract';

export interface HostOptions<R extends RecorderPort | undefined> {
  /** Every flush of the engine's events: to the window, the pages' sockets, stdout. */
  onBatch: (batch: EventBatch) => void;
  /** The sink still has earlier batches to get out; see ManagerOptions.sinkBehind. */
  sinkBehind?: () => boolean;
  /** Records sessions; without one, nothing is recorded and `record` answers so. */
  recorder?: R;
  /** See ManagerOptions.lossless. */
  lossless?: boolean;
  /** See ManagerOptions.keyFolder. */
  keyFolder?: string;
}

export interface Host<R extends RecorderPort | undefined> {
  /** The API every transport dispatches to. */
  readonly engine: SessionManager;
  readonly recorder: R;
  /** Close every socket, end every recording and deliver the last events. */
  dispose(): Promise<void>;
}

export function createHost<R extends RecorderPort | undefined = undefined>(options: HostOptions<R>): Host<R> {
  const engine = new SessionManager({
    onBatch: options.onBatch,
    ...(options.sinkBehind ? { sinkBehind: options.sinkBehind } : {}),
    ...(options.recorder ? { recorder: options.recorder } : {}),
    ...(options.lossless ? { lossless: true } : {}),
    ...(options.keyFolder !== undefined ? { keyFolder: options.keyFolder } : {}),
  });
  return {
    engine,
    recorder: options.recorder as R,
    // The engine ends the recordings it started before it lets go of the recorder.
    dispose: () => engine.dispose(),
  };
}
