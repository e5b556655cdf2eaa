import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

export interface RecordedData {
  /** Data records received from peers, and their bytes. */
  rxRecords: number;
  rxBytes: number;
  /** The file ends with an end record: it was closed on purpose, not cut short. */
  ended: boolean;
}

const LEN = /"len":(\d+)/;

/**
 * What a recording holds, read from the file the way a person would check it: every line a
 * record, data lines counted and their lengths summed. (The full reader, with its CRC checks,
 * is the transcript tests' business; this only counts.)
 */
export async function recordedData(file: string): Promise<RecordedData> {
  const result: RecordedData = { rxRecords: 0, rxBytes: 0, ended: false };
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  for await (const line of lines) {
    if (line.startsWith('{"type":"data"') && line.includes('"dir":"rx"')) {
      result.rxRecords += 1;
      result.rxBytes += Number(LEN.exec(line)?.[1] ?? 0);
    }
    result.ended = line.startsWith('{"type":"end"');
  }
  return result;
}
