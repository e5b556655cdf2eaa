/**
 * Recorder test harness: a real Recorder (in a folder from tempDir) behind a real SessionManager,
 * recordings read back with the transcript reader, and a file layer that fails on demand.
 */
import { readFile } from 'node:fs/promises';
import type { InspectorEvent, RecordingInfo } from '@shared/contract';
import type { BodyRecord, HeaderRecord } from '@shared/transcript/records';
import type { ReadOutcome } from '@shared/transcript/transcript-reader';
import { nodeFiles, type FileLayer } from '@recorder/record-file';
import { Recorder, type RecorderOptions } from '@recorder/recorder';
import { startEngine, type Engine } from './engine';
import { readTranscript } from './collect';

export const APP = { name: 'Socket Inspector', version: '9.8.7-test' };

export function engineWithRecorder(options: Partial<RecorderOptions> & { folder: string }): { engine: Engine; recorder: Recorder } {
  const recorder = new Recorder({ app: APP, ...options });
  const engine = startEngine({ recorder });
  return { engine, recorder };
}

export interface Recording {
  header: HeaderRecord | undefined;
  records: BodyRecord[];
  outcome: ReadOutcome;
  /** Every record, the header first, as the reader returned them. */
  all: (HeaderRecord | BodyRecord)[];
}

export async function readRecording(file: string): Promise<Recording> {
  const { header, records, outcome } = readTranscript(new Uint8Array(await readFile(file)));
  return { header, records, outcome, all: header ? [header, ...records] : records };
}

type DataRecord = Extract<BodyRecord, { type: 'data' }>;

export const dataRecords = (recording: Recording, where: (r: DataRecord) => boolean = () => true): DataRecord[] =>
  recording.records.filter((r): r is DataRecord => r.type === 'data' && where(r));

/** The bytes of the data records that match, joined in file order. */
export const recordedBytes = (recording: Recording, where: (r: DataRecord) => boolean): Buffer =>
  Buffer.concat(dataRecords(recording, where).map((r) => r.bytes));

export const recordingEvents = (engine: Engine, sessionId: string): RecordingInfo[] =>
  engine.events
    .filter((e): e is Extract<InspectorEvent, { type: 'recording' }> => e.type === 'recording' && e.sessionId === sessionId)
    .map((e) => e.recording);

/** Real files, with writes that fail on demand the way a full or broken disk fails them. */
export function failingFiles(): {
  files: FileLayer;
  failWith(code: string | undefined, options?: { partialFirst?: boolean }): void;
  writes: number;
} {
  let failure: { code: string; partialFirst: boolean } | undefined;
  const state = {
    writes: 0,
    failWith(code: string | undefined, options: { partialFirst?: boolean } = {}) {
      failure = code === undefined ? undefined : { code, partialFirst: options.partialFirst ?? false };
    },
    files: {
      ...nodeFiles,
      async write(fd: number, bytes: Uint8Array) {
        state.writes += 1;
        if (failure?.partialFirst && bytes.byteLength > 1) {
          // As a disk fills up: part of the write lands, the rest fails.
          failure.partialFirst = false;
          return nodeFiles.write(fd, bytes.subarray(0, Math.floor(bytes.byteLength / 2)));
        }
        if (failure) throw Object.assign(new Error(`${failure.code}: injected write failure`), { code: failure.code });
        return nodeFiles.write(fd, bytes);
      },
    } satisfies FileLayer,
  };
  return state;
}
