/** The engine and the recorder may not import each other (docs/architecture.md § Layers): they meet here. */
import type { InspectorEvent, RecorderSettings, RecordingInfo, SessionInfo } from '@shared/contract';
import type { Result } from '@shared/result';

/** What the recorder calls back into the manager. */
export interface RecorderLink {
  /** Where the recorder's own events (status changes, its errors) go: the manager's event stream. */
  emit(event: InspectorEvent): void;
  /**
   * Flow control: a session's recording has more waiting for the disk than it should hold
   * (`full`: stop reading from its sockets), or has caught up again (`!full`: read again).
   * Called only on a change, and always with `!full` once a recording that was full ends.
   */
  backlogged(sessionId: string, full: boolean): void;
}

/**
 * What the manager needs of a recorder (src/recorder implements it). The engine and the recorder
 * may not import each other, so both meet here and the host wiring hands one to the other.
 */
export interface RecorderPort {
  attach(link: RecorderLink): void;
  /** Every engine event, each data chunk alone, in order, before batching. Never throws. */
  observe(event: InspectorEvent): void;
  /** Whether a session whose config leaves `record` out records. */
  readonly recordByDefault: boolean;
  /** Start a new file for the session, with a header describing it as it is now. */
  start(session: SessionInfo): Promise<Result<RecordingInfo>>;
  /** Write the end record and close the file. */
  stop(sessionId: string, reason: 'stopped' | 'removed' | 'quit'): Promise<Result<RecordingInfo>>;
  /** Stop a recording that should never have been, and delete its file (an open that failed). */
  discard(sessionId: string): Promise<void>;
  status(sessionId: string): RecordingInfo | undefined;
  /** Append a TLS key log line to the `.keylog` file beside the session's recording; false when it is not being recorded. */
  keyLog(sessionId: string, line: Uint8Array): boolean;
  settings(patch: { recordByDefault?: boolean }): Promise<Result<RecorderSettings>>;
  /** End every recording and write what is pending. */
  dispose(): Promise<void>;
}
