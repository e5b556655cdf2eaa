/**
 * Transcript files for tests, written with the app's own line encoder (and pcapng writer), so
 * the bytes are what the recorder would have put on disk.
 */
import type { Endpoint } from '@shared/address';
import { PcapngWriter } from '@shared/transcript/pcapng-writer';
import { encodeRecordLine } from '@shared/transcript/record-line';
import {
  TRANSCRIPT_FORMAT_NAME,
  TRANSCRIPT_VERSION,
  JSONL_TRANSCRIPT_VERSION,
  type BodyRecord,
  type HeaderRecord,
} from '@shared/transcript/records';

export const STARTED = Date.UTC(2025, 0, 1, 12, 0, 0);
export const SERVER: Endpoint = { address: '127.0.0.1', port: 40000, family: 'IPv4' };
export const CLIENT: Endpoint = { address: '127.0.0.1', port: 51234, family: 'IPv4' };

const text = (value: string) => new TextEncoder().encode(value);

export function header(session = 's7'): HeaderRecord {
  return {
    type: 'header',
    seq: 0,
    at: STARTED,
    session,
    format: TRANSCRIPT_FORMAT_NAME,
    version: JSONL_TRANSCRIPT_VERSION,
    app: { name: 'Socket Inspector', version: '0.1.0' },
    started: new Date(STARTED).toISOString(),
    kind: 'tcp-server',
    config: { kind: 'tcp-server', host: '127.0.0.1', port: 40000 },
    local: SERVER,
    connections: [],
  };
}

/** A TCP listener's recording: one client says hello, is answered, and leaves; then the end record. */
export function conversation(options: { end?: boolean; extraData?: number } = {}): BodyRecord[] {
  const base = { session: 's7' };
  const records: BodyRecord[] = [
    { ...base, type: 'open', seq: 1, at: STARTED + 10, conn: 'c1', local: SERVER, remote: CLIENT },
    { ...base, type: 'data', seq: 2, at: STARTED + 20, dir: 'rx', conn: 'c1', local: SERVER, remote: CLIENT, bytes: text('hello\n') },
    { ...base, type: 'data', seq: 3, at: STARTED + 30, dir: 'tx', conn: 'c1', local: SERVER, remote: CLIENT, bytes: text('world\n') },
  ];
  for (let i = 0; i < (options.extraData ?? 0); i++) {
    records.push({
      ...base,
      type: 'data',
      seq: records.length + 1,
      at: STARTED + 40 + i,
      dir: 'rx',
      conn: 'c1',
      local: SERVER,
      remote: CLIENT,
      bytes: text(`n${i}`),
    });
  }
  records.push({
    ...base,
    type: 'close',
    seq: records.length + 1,
    at: STARTED + 50_000,
    conn: 'c1',
    reason: 'peer-closed',
    counters: { rxBytes: 6, txBytes: 6, rxMessages: 1, txMessages: 1 },
  });
  if (options.end ?? true) records.push({ ...base, type: 'end', seq: records.length + 1, at: STARTED + 60_000, reason: 'stopped' });
  return records;
}

/** The lines of a JSON Lines transcript, each with its newline. */
export function transcriptLines(records: BodyRecord[] = conversation()): Uint8Array[] {
  return [encodeRecordLine(header()), ...records.map((record) => encodeRecordLine(record))];
}

export function joinBytes(parts: readonly Uint8Array[]): Uint8Array {
  const joined = new Uint8Array(parts.reduce((sum, part) => sum + part.byteLength, 0));
  let at = 0;
  for (const part of parts) {
    joined.set(part, at);
    at += part.byteLength;
  }
  return joined;
}

export const transcriptFile = (records?: BodyRecord[]): Uint8Array => joinBytes(transcriptLines(records));

/** A recording as the recorder writes it: version 3, each data record's bytes raw after its line. */
export function recordingFile(records: BodyRecord[] = conversation()): Uint8Array {
  const head: HeaderRecord = { ...header(), version: TRANSCRIPT_VERSION };
  return joinBytes([head, ...records].map((record) => encodeRecordLine(record, undefined, { raw: true })));
}

export function pcapngFile(records: BodyRecord[] = conversation()): Uint8Array {
  const writer = new PcapngWriter(header());
  return joinBytes([writer.start(), ...records.map((record) => writer.write(record))]);
}
