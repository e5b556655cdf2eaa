import type { Readable, Writable } from 'node:stream';
import { METHOD_NAMES, type EngineApi } from '@shared/contract';
import { dispatch, dispatchWith } from '@shared/dispatch';
import type { CallRunner } from '@shared/envelope';
import { MAX_COMMAND_BYTES, SINK_BEHIND_BYTES } from '@shared/limits';
import { createHost } from '@host/create-host';
import { Recorder } from '@recorder/recorder';
import { commandLineFolder } from '@recorder/recordings-folder';
import type { Result } from '@shared/result';
import { boundedLines } from './bounded-lines';
import { eventLine, readyLine, runCommandLine, tooLongLine, type BytesEncoding } from './json-lines';
import { RoomSignals, sendFile, sendFileSchema } from './send-file';

/** The methods of stdio: the contract's, and sendFile, which only a script may call (it names a path). */
export const STDIO_METHODS = [...METHOD_NAMES, 'sendFile'] as const;

export function stdioCalls(engine: EngineApi, rooms: RoomSignals): CallRunner {
  const local = { sendFile: sendFile(engine, rooms) };
  const schemas = { sendFile: sendFileSchema };
  return (method, args) => (method === 'sendFile' ? dispatchWith(schemas, local, method, args) : dispatch(engine, method, args));
}

export interface StdioOptions {
  input: Readable;
  output: Writable;
  bytes: BytesEncoding;
  version: string;
  /** Records sessions into its folder; without one, `record` answers that recording is off. */
  recorder?: Recorder;
  /** Every TCP byte appears in the data events: reading pauses while stdout is behind. */
  lossless?: boolean;
}

/** The recorder for `--record-dir DIR`: every session records into DIR unless it says otherwise. */
export async function stdioRecorder(folder: string, version: string): Promise<Result<Recorder>> {
  const full = commandLineFolder(folder);
  const recorder = new Recorder({ folder: full, app: { name: 'Socket Inspector', version } });
  // Checked now, so a folder that cannot be written stops the run before any session opens.
  const checked = await recorder.setFolder(full);
  return checked.ok ? { ok: true, value: recorder } : checked;
}

/**
 * The engine driven by JSON lines: commands in, results and events out. Runs until the input
 * ends, then closes every socket, writes the last events and resolves.
 */
export async function runStdio({ input, output, bytes, version, recorder, lossless = false }: StdioOptions): Promise<void> {
  // A reader that goes away (`cli | head`) makes every later write fail with EPIPE: as ncat and
  // socat do, stop then, but close the sockets and end the recordings as at the input's end,
  // rather than crash on the unhandled error with a stack trace.
  let outputGone = false;
  output.on('error', () => {
    outputGone = true;
    input.destroy();
  });
  const write = (line: string) => {
    if (!outputGone) output.write(`${line}\n`);
  };
  const rooms = new RoomSignals();
  const host = createHost({
    ...(recorder ? { recorder } : {}),
    // A reader that does not keep up gets fewer events (counted as not shown), not our memory;
    // in lossless mode the peers are made to wait instead.
    sinkBehind: () => output.writableLength > SINK_BEHIND_BYTES,
    lossless,
    onBatch: (batch) => {
      for (const event of batch.events) {
        write(eventLine(event, bytes));
        if ((event.type === 'backpressure' && !event.blocked) || event.type === 'connection-closed') rooms.unblocked(event.sessionId);
      }
    },
  });
  write(readyLine(version, bytes, lossless, STDIO_METHODS));
  const run = stdioCalls(host.engine, rooms);
  const inFlight = new Set<Promise<void>>();
  let lineNumber = 0;
  try {
    for await (const line of boundedLines(input, MAX_COMMAND_BYTES)) {
      lineNumber += 1;
      const answering =
        'text' in line
          ? runCommandLine(run, line.text, lineNumber, bytes)
          : Promise.resolve(tooLongLine(lineNumber, line.tooLong, MAX_COMMAND_BYTES));
      const job = answering.then((answer) => {
        if (answer !== undefined) write(answer);
      });
      inFlight.add(job);
      void job.finally(() => inFlight.delete(job));
    }
  } catch (err) {
    // The input was cut short because the output went away; anything else is a real failure.
    if (!outputGone) throw err;
  }
  await Promise.all(inFlight);
  await host.dispose();
  write(JSON.stringify({ kind: 'end', lines: lineNumber }));
}
