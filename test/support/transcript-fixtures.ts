/**
 * Transcripts built record by record and encoded with the real line codec: a TCP listener with
 * two connections (one IPv4, one IPv6) and a UDP session with an empty and a maximum-size datagram.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Endpoint } from '@shared/address';
import type { SessionKind } from '@shared/contract';
import { MAX_UDP_PAYLOAD_IPV4 } from '@shared/limits';
import { encodeRecordLine } from '@shared/transcript/record-line';
import {
  TRANSCRIPT_FORMAT_NAME,
  JSONL_TRANSCRIPT_VERSION,
  TRANSCRIPT_VERSION,
  type BodyRecord,
  type HeaderRecord,
  type TranscriptRecord,
} from '@shared/transcript/records';

export const v4 = (address: string, port: number): Endpoint => ({ address, port, family: 'IPv4' });
export const v6 = (address: string, port: number): Endpoint => ({ address, port, family: 'IPv6' });

/** Bytes that look random but are the same in every run. */
export function pseudoRandomBytes(length: number, seed = 1): Uint8Array {
  const bytes = new Uint8Array(length);
  let state = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    bytes[i] = state & 0xff;
  }
  return bytes;
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
export type BodyInput = DistributiveOmit<BodyRecord, 'seq' | 'session' | 'at'> & { at?: number };

export const START = Date.UTC(2025, 0, 2, 3, 4, 5, 678);

export function header(kind: SessionKind, extra: Partial<HeaderRecord> = {}): HeaderRecord {
  return {
    type: 'header',
    seq: 0,
    at: START,
    session: 's1',
    format: TRANSCRIPT_FORMAT_NAME,
    version: JSONL_TRANSCRIPT_VERSION,
    app: { name: 'Socket Inspector', version: '0.1.0-test' },
    started: new Date(START).toISOString(),
    kind,
    config: { kind, host: '::', port: 4000 },
    connections: [],
    ...extra,
  };
}

/** The header, then the body records numbered 1, 2, … a millisecond apart (unless they say when). */
export function transcript(head: HeaderRecord, body: BodyInput[]): TranscriptRecord[] {
  return [
    head,
    ...body.map((record, index) => ({ at: START + index + 1, ...record, seq: index + 1, session: head.session }) as BodyRecord),
  ];
}

export function encodeAll(records: readonly TranscriptRecord[]): Uint8Array {
  return Buffer.concat(records.map((record) => encodeRecordLine(record)));
}

/** The records as a recording writes them: a version-3 header, data bytes raw after their lines. */
export function asRecording(records: readonly TranscriptRecord[]): TranscriptRecord[] {
  return records.map((record) => (record.type === 'header' ? { ...record, version: TRANSCRIPT_VERSION } : record));
}

export function encodeRecording(records: readonly TranscriptRecord[]): Uint8Array {
  return Buffer.concat(asRecording(records).map((record) => encodeRecordLine(record, undefined, { raw: true })));
}

const C1_LOCAL = v4('127.0.0.1', 4000);
const C1_REMOTE = v4('127.0.0.1', 50001);
const C2_LOCAL = v6('::1', 4000);
const C2_REMOTE = v6('::1', 50002);

/** Peer bytes a terminal would obey: an ANSI colour and screen clear, a bidi override, a bell. */
export const HOSTILE = new TextEncoder().encode('ok\x1b[31mRED\x1b[2J\u202Egnp.exe\x07\r\nend');

export const TCP = {
  c1Rx: [new TextEncoder().encode('GET / HTTP/1.1\r\n\r\n'), HOSTILE],
  c1Tx: [new TextEncoder().encode('HTTP/1.1 200 OK\r\n\r\nhello')],
  c2Rx: [pseudoRandomBytes(100_000, 7), pseudoRandomBytes(3, 8)],
  c2Tx: [pseudoRandomBytes(70_001, 9)],
};

/** A listener on `::` with c1 (IPv4) and c2 (IPv6), both directions, every kind of record. */
export function tcpRecords(options: { end?: boolean } = {}): TranscriptRecord[] {
  const body: BodyInput[] = [
    { type: 'state', state: 'open', local: v6('::', 4000) },
    { type: 'open', conn: 'c1', local: C1_LOCAL, remote: C1_REMOTE },
    { type: 'data', dir: 'rx', conn: 'c1', local: C1_LOCAL, remote: C1_REMOTE, bytes: TCP.c1Rx[0]! },
    { type: 'open', conn: 'c2', local: C2_LOCAL, remote: C2_REMOTE },
    { type: 'data', dir: 'tx', conn: 'c1', local: C1_LOCAL, remote: C1_REMOTE, bytes: TCP.c1Tx[0]! },
    { type: 'data', dir: 'rx', conn: 'c2', local: C2_LOCAL, remote: C2_REMOTE, bytes: TCP.c2Rx[0]! },
    { type: 'data', dir: 'rx', conn: 'c1', local: C1_LOCAL, remote: C1_REMOTE, bytes: TCP.c1Rx[1]! },
    { type: 'data', dir: 'tx', conn: 'c2', local: C2_LOCAL, remote: C2_REMOTE, bytes: TCP.c2Tx[0]! },
    { type: 'data', dir: 'rx', conn: 'c2', local: C2_LOCAL, remote: C2_REMOTE, bytes: TCP.c2Rx[1]! },
    { type: 'half-close', conn: 'c1', by: 'peer' },
    { type: 'close', conn: 'c1', reason: 'peer-closed', counters: { rxBytes: 40, rxMessages: 2, txBytes: 24, txMessages: 1 } },
    { type: 'error', conn: 'c2', error: { code: 'ECONNRESET', message: 'read ECONNRESET', hint: 'The peer reset the connection (RST).' } },
    { type: 'close', conn: 'c2', reason: 'peer-reset', counters: { rxBytes: 100_003, rxMessages: 2, txBytes: 70_001, txMessages: 1 } },
    { type: 'state', state: 'closed' },
  ];
  if (options.end !== false) body.push({ type: 'end', reason: 'stopped' });
  return transcript(header('tcp-server', { local: v6('::', 4000) }), body);
}

const UDP_LOCAL = v4('0.0.0.0', 5000);
export const UDP_PEER_A = v4('127.0.0.1', 6000);
export const UDP_PEER_B = v4('127.0.0.1', 6001);
export const UDP = {
  empty: new Uint8Array(0),
  max: pseudoRandomBytes(MAX_UDP_PAYLOAD_IPV4, 11),
  small: new TextEncoder().encode('ping'),
};

/** Datagrams both ways with two peers, an empty one and one of 65,507 bytes among them. */
export function udpRecords(options: { end?: boolean } = {}): TranscriptRecord[] {
  const body: BodyInput[] = [
    { type: 'state', state: 'open', local: UDP_LOCAL },
    { type: 'data', dir: 'rx', local: UDP_LOCAL, remote: UDP_PEER_A, bytes: UDP.empty },
    { type: 'data', dir: 'tx', local: UDP_LOCAL, remote: UDP_PEER_A, bytes: UDP.max },
    { type: 'data', dir: 'rx', local: UDP_LOCAL, remote: UDP_PEER_B, bytes: UDP.small },
    { type: 'data', dir: 'rx', local: UDP_LOCAL, remote: UDP_PEER_A, bytes: UDP.max },
    { type: 'data', dir: 'tx', local: UDP_LOCAL, remote: UDP_PEER_B, bytes: UDP.small },
    { type: 'state', state: 'closed' },
  ];
  if (options.end !== false) body.push({ type: 'end', reason: 'quit' });
  return transcript(header('udp', { local: UDP_LOCAL, config: { kind: 'udp', host: '0.0.0.0', port: 5000 } }), body);
}

export async function writeTranscript(dir: string, name: string, content: Uint8Array | readonly TranscriptRecord[]): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, content instanceof Uint8Array ? content : encodeAll(content));
  return file;
}
