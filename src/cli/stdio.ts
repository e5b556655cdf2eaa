import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { METHOD_NAMES } from '../shared/contract';
import { SessionManager } from '../main/engine/session-manager';
import { Recorder } from '../main/transcript/recorder';
import { commandLineFolder } from '../main/transcript/recordings-folder';
import type { Result } from '../shared/result';
import { eventLine, readyLine, runCommandLine, type BytesEncoding } from './json-lines';

export interface StdioOptions {
  input: Readable;
  output: Writable;
  bytes: BytesEncoding;
  version: string;
  /** Records sessions into its folder; without one, `record` answers that recording is off. */
  recorder?: Recorder;
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
export async function runStdio({ input, output, bytes, version, recorder }: StdioOptions): Promise<void> {
  const write = (line: string) => output.write(`${line}\n`);
  const manager = new SessionManager({
    ...(recorder ? { recorder } : {}),
    onBatch: (batch) => {
      for (const event of batch.events) write(eventLine(event, bytes));
    },
  });
  write(readyLine(version, bytes, METHOD_NAMES));
  const inFlight = new Set<Promise<void>>();
  let lineNumber = 0;
  const lines = createInterface({ input, crlfDelay: Infinity });
  for await (const line of lines) {
    lineNumber += 1;
    const job = runCommandLine(manager, line, lineNumber).then((answer) => {
      if (answer !== undefined) write(answer);
    });
    inFlight.add(job);
    void job.finally(() => inFlight.delete(job));
  }
  await Promise.all(inFlight);
  await manager.dispose();
  write(JSON.stringify({ kind: 'end', lines: lineNumber }));
}
