import { readTranscriptFile } from '@recorder/transcript-file';

export interface RecordedData {
  /** Data records received from peers, and their bytes. */
  rxRecords: number;
  rxBytes: number;
  /** The file ends with an end record: it was closed on purpose, not cut short. */
  ended: boolean;
}

/**
 * What a recording holds, read with the app's reader (every record's CRC checked, version 3's
 * raw bytes included): data records received counted and their lengths summed. A file that does
 * not read whole counts only up to its damage and is not `ended`.
 */
export async function recordedData(file: string): Promise<RecordedData> {
  const result: RecordedData = { rxRecords: 0, rxBytes: 0, ended: false };
  const outcome = await readTranscriptFile(file, (record) => {
    if (record.type !== 'data' || record.dir !== 'rx') return;
    result.rxRecords += 1;
    result.rxBytes += record.bytes.byteLength;
  });
  result.ended = outcome.ended && !outcome.problem;
  return result;
}
