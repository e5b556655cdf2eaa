/**
 * What a transcript holds, totalled record by record so a file of any size is summed in one
 * pass: records by type, bytes and messages per TCP connection and direction, datagrams per
 * UDP peer, and the time span.
 */
import { formatEndpoint, type Endpoint } from '../address';
import type { CloseReason, Direction } from '../contract';
import type { HeaderRecord, RecordType, TranscriptRecord } from './records';
import { endpointText, formatCount, isoTime, plural, printable } from './text-dump';
import type { ReadOutcome } from './transcript-reader';

export interface StreamTotals {
  bytes: number;
  messages: number;
}

export interface ConnectionSummary {
  conn: string;
  local?: Endpoint;
  remote?: Endpoint;
  /** When it opened (or when the header says it had been open since). */
  opened?: number;
  rx: StreamTotals;
  tx: StreamTotals;
  /** Who sent FIN first, then the other, in order. */
  halfClosedBy: ('peer' | 'local')[];
  closed?: { at: number; reason: CloseReason };
}

export interface DatagramTotals {
  datagrams: number;
  bytes: number;
  empty: number;
}

export interface PeerSummary {
  peer: Endpoint;
  rx: DatagramTotals;
  tx: DatagramTotals;
}

export interface TranscriptSummary {
  header?: HeaderRecord;
  records: number;
  byType: Record<RecordType, number>;
  /** Times of the first and last record (epoch ms). */
  first?: number;
  last?: number;
  /** TCP connections in the order they first appear. */
  connections: ConnectionSummary[];
  /** UDP peers in the order they first appear. */
  peers: PeerSummary[];
}

const RECORD_TYPES: readonly RecordType[] = ['header', 'data', 'open', 'half-close', 'close', 'state', 'error', 'end'];

export class TranscriptSummarizer {
  private header: HeaderRecord | undefined;
  private records = 0;
  private readonly byType = Object.fromEntries(RECORD_TYPES.map((type) => [type, 0])) as Record<RecordType, number>;
  private first: number | undefined;
  private last: number | undefined;
  private readonly connections = new Map<string, ConnectionSummary>();
  private readonly peers = new Map<string, PeerSummary>();

  add(record: TranscriptRecord): void {
    this.records += 1;
    this.byType[record.type] += 1;
    this.first ??= record.at;
    this.last = record.at;
    switch (record.type) {
      case 'header':
        this.header = record;
        for (const snapshot of record.connections) this.opened(snapshot.conn, snapshot.local, snapshot.remote, snapshot.since);
        break;
      case 'open':
        this.opened(record.conn, record.local, record.remote, record.at);
        break;
      case 'half-close':
        this.connection(record.conn).halfClosedBy.push(record.by);
        break;
      case 'close':
        this.connection(record.conn).closed = { at: record.at, reason: record.reason };
        break;
      case 'data':
        if (record.conn === undefined) this.datagram(record.dir, record.remote, record.bytes.length);
        else {
          const connection = this.connection(record.conn);
          connection.local ??= record.local;
          connection.remote ??= record.remote;
          connection[record.dir].bytes += record.bytes.length;
          connection[record.dir].messages += 1;
        }
        break;
      default:
        break;
    }
  }

  summary(): TranscriptSummary {
    const summary: TranscriptSummary = {
      records: this.records,
      byType: { ...this.byType },
      connections: [...this.connections.values()],
      peers: [...this.peers.values()],
    };
    if (this.header) summary.header = this.header;
    if (this.first !== undefined) summary.first = this.first;
    if (this.last !== undefined) summary.last = this.last;
    return summary;
  }

  private connection(conn: string): ConnectionSummary {
    let connection = this.connections.get(conn);
    if (!connection) {
      connection = { conn, rx: { bytes: 0, messages: 0 }, tx: { bytes: 0, messages: 0 }, halfClosedBy: [] };
      this.connections.set(conn, connection);
    }
    return connection;
  }

  private opened(conn: string, local: Endpoint, remote: Endpoint, at: number): void {
    const connection = this.connection(conn);
    connection.local = local;
    connection.remote = remote;
    connection.opened = at;
  }

  private datagram(dir: Direction, remote: Endpoint, length: number): void {
    const key = formatEndpoint(remote.address, remote.port);
    let peer = this.peers.get(key);
    if (!peer) {
      peer = { peer: remote, rx: { datagrams: 0, bytes: 0, empty: 0 }, tx: { datagrams: 0, bytes: 0, empty: 0 } };
      this.peers.set(key, peer);
    }
    peer[dir].datagrams += 1;
    peer[dir].bytes += length;
    if (length === 0) peer[dir].empty += 1;
  }
}

const streamText = (totals: StreamTotals): string => `${plural(totals.bytes, 'byte')} in ${plural(totals.messages, 'message')}`;

function datagramText(totals: DatagramTotals): string {
  const empty = totals.empty > 0 ? ` (${formatCount(totals.empty)} empty)` : '';
  return `${plural(totals.datagrams, 'datagram')}, ${plural(totals.bytes, 'byte')}${empty}`;
}

function connectionLines(connection: ConnectionSummary): string[] {
  const ends = [
    connection.local && `local ${endpointText(connection.local)}`,
    connection.remote && `remote ${endpointText(connection.remote)}`,
  ]
    .filter(Boolean)
    .join('  ');
  const halfClosed = connection.halfClosedBy.map((by) => (by === 'peer' ? 'the peer' : 'this side')).join(', then ');
  const fate = connection.closed
    ? `closed: ${connection.closed.reason} at ${isoTime(connection.closed.at)}`
    : `still open at the end of the file${halfClosed ? ` (half-closed by ${halfClosed})` : ''}`;
  return [
    `  ${printable(connection.conn)}  ${ends}`,
    `      rx ${streamText(connection.rx)}   tx ${streamText(connection.tx)}`,
    `      ${fate}`,
  ];
}

function verdict(outcome: ReadOutcome): string {
  if (outcome.problem) {
    const label = {
      torn: 'TORN',
      corrupt: 'CORRUPT',
      gap: 'RECORDS MISSING',
      'not-a-transcript': 'NOT A TRANSCRIPT',
      'unsupported-version': 'UNSUPPORTED VERSION',
    }[outcome.problem.kind];
    return `${label}: ${outcome.problem.message}.`;
  }
  if (outcome.ended)
    return `WHOLE: ${plural(outcome.records, 'record')}, ${plural(outcome.validBytes, 'byte')}, ending with an end record.`;
  if (outcome.pcapng) {
    const skipped = outcome.pcapng.skipped ? ` Not everything was read: ${outcome.pcapng.skipped}.` : '';
    return (
      `WHOLE PCAPNG: ${plural(outcome.records, 'record')} read back from ${plural(outcome.validBytes, 'byte')} of pcapng, ` +
      `which carries no end record, so whether the recording ended on purpose is not known.${skipped}`
    );
  }
  return (
    `WHOLE BUT UNFINISHED: ${plural(outcome.records, 'record')}, ${plural(outcome.validBytes, 'byte')}, and no end record: ` +
    'the recording was interrupted (the app crashed or was killed) or is still running.'
  );
}

/** The summary as people read it, with the verdict on the file last. */
export function formatSummary(summary: TranscriptSummary, outcome: ReadOutcome): string {
  const lines: string[] = [];
  const header = summary.header;
  if (header) {
    const what = outcome.pcapng ? 'pcapng, read back as a transcript' : `Socket Inspector transcript, format version ${header.version}`;
    lines.push(`${what}, written by ${printable(header.app.name)} ${printable(header.app.version)}`.trimEnd());
    lines.push(`Session ${printable(header.session)} (${header.kind})${header.local ? `, local ${endpointText(header.local)}` : ''}`);
  }
  if (summary.first !== undefined && summary.last !== undefined) {
    lines.push(`From ${isoTime(summary.first)} to ${isoTime(summary.last)} (${((summary.last - summary.first) / 1000).toFixed(3)} s)`);
  }
  if (summary.records > 0) {
    const types = RECORD_TYPES.filter((type) => summary.byType[type] > 0).map((type) => `${type} ${formatCount(summary.byType[type])}`);
    lines.push(`Records: ${formatCount(summary.records)} (${types.join(', ')})`);
  }
  if (summary.connections.length > 0) {
    lines.push('', `TCP connections: ${formatCount(summary.connections.length)}`, ...summary.connections.flatMap(connectionLines));
  }
  if (summary.peers.length > 0) {
    lines.push('', `UDP peers: ${formatCount(summary.peers.length)}`);
    for (const peer of summary.peers) lines.push(`  ${endpointText(peer.peer)}  rx ${datagramText(peer.rx)}   tx ${datagramText(peer.tx)}`);
  }
  if (header && summary.connections.length === 0 && summary.peers.length === 0) lines.push('', 'No data was recorded.');
  if (lines.length > 0) lines.push('');
  lines.push(verdict(outcome));
  return `${lines.join('\n')}\n`;
}
