import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { METHOD_NAMES } from '../shared/contract';
import { SessionManager } from '../main/engine/session-manager';
import { eventLine, readyLine, runCommandLine, type BytesEncoding } from './json-lines';

export interface StdioOptions {
  input: Readable;
  output: Writable;
  bytes: BytesEncoding;
  version: string;
}

/**
 * The engine driven by JSON lines: commands in, results and events out. Runs until the input
 * ends, then closes every socket, writes the last events and resolves.
 */
export async function runStdio({ input, output, bytes, version }: StdioOptions): Promise<void> {
  const write = (line: string) => output.write(`${line}\n`);
  const manager = new SessionManager({
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
