/**
 * pcapng back to a transcript. Files this app wrote come back whole: the header from the Section
 * Header Block's comment, connection ids and close reasons from packet comments, directions from
 * epb_flags (see pcapng-writer.ts). Other captures are read as well as their packets allow: raw IP,
 * Ethernet, Linux cooked and BSD loopback links; TCP and UDP over IPv4 and IPv6 (no extension
 * headers, no fragments); which end is "ours" guessed from the first packet when nothing says.
 * Never throws: a cut or damaged file gives the records before the damage and a `problem`.
 */
import type { z } from 'zod';
import type { Endpoint } from '../address';
import {
  sendOriginSchema,
  type CloseReason,
  type Counters,
  type Direction,
  type SendOrigin,
  type SessionKind,
  type TlsDetails,
} from '../contract';
import { MAX_ID_LENGTH } from '../limits';
import { zeroCounters } from '../counters';
import { decodeRecordLine } from './record-line';
import { english, phrase, type Phrase } from '../phrase';
import {
  READABLE_TRANSCRIPT_VERSIONS,
  TRANSCRIPT_FORMAT_NAME,
  TRANSCRIPT_VERSION,
  type BodyRecord,
  type ConnectionSnapshot,
  type HeaderRecord,
  relayLegOf,
  tlsRecordSchema,
} from './records';
import { TCP_ACK, TCP_FIN, TCP_PSH, TCP_RST, TCP_SYN, addressFromText, addressToText, parseIpPacket, type ParsedTcp } from './ip-packets';
import {
  BLOCK_ENHANCED_PACKET,
  BLOCK_INTERFACE_DESCRIPTION,
  BLOCK_SECTION_HEADER,
  BYTE_ORDER_MAGIC,
  CLOSE_COMMENT_PREFIX,
  CONN_COMMENT_PREFIX,
  ORIGIN_COMMENT_PREFIX,
  REMOTE_UNKNOWN_COMMENT,
  TLS_COMMENT_PREFIX,
  EPB_INBOUND,
  EPB_OUTBOUND,
  LINKTYPE_RAW,
  OPTION_COMMENT,
  OPTION_END,
  OPTION_EPB_FLAGS,
  OPTION_IF_TSRESOL,
  OPTION_SHB_USERAPPL,
  SHB_COMMENT_PREFIX,
} from './pcapng-writer';

export interface PcapngProblem {
  /** The byte where reading stopped or the trouble begins. */
  offset: number;
  /**
   * torn: the file is cut inside a block; corrupt: a block is damaged or the file is no pcapng
   * (reading stopped at `offset` in both); skipped: a packet or interface was left out and
   * reading went on.
   */
  kind: 'torn' | 'corrupt' | 'skipped';
  /** In English; `phrase` is the same for the page. */
  message: string;
  phrase: Phrase;
}

export interface PcapngRead {
  header: HeaderRecord;
  records: BodyRecord[];
  problem?: PcapngProblem;
}

/** The writer's word for a peer whose address was never learnt (its comment says the rest). */
const REMOTE_UNKNOWN_PREFIX = REMOTE_UNKNOWN_COMMENT.slice(0, REMOTE_UNKNOWN_COMMENT.indexOf(':'));

/**
 * The JSON a packet's comment carries after `prefix` (a SYN's TLS details, a send's origin),
 * checked as a record's is; a damaged one is left out.
 */
function commentJson<T>(comments: readonly string[], prefix: string, schema: z.ZodType<T>): T | undefined {
  const text = comments.find((c) => c.startsWith(prefix));
  if (text === undefined) return undefined;
  try {
    const parsed = schema.safeParse(JSON.parse(text.slice(prefix.length)));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** The session id of a capture this app did not write. */
const FOREIGN_SESSION = 'pcapng';

const LINKTYPE_NULL = 0;
const LINKTYPE_ETHERNET = 1;
const LINKTYPE_LINUX_SLL = 113;
const LINKTYPE_IPV4 = 228;
const LINKTYPE_IPV6 = 229;

const ETHERTYPE_IPV4 = 0x0800;
const ETHERTYPE_IPV6 = 0x86dd;
const ETHERTYPE_VLAN = [0x8100, 0x88a8];

const CLOSE_REASONS: readonly CloseReason[] = ['peer-closed', 'peer-reset', 'local-closed', 'local-reset', 'error', 'session-closed'];

const utf8 = new TextEncoder();
const lenientUtf8 = new TextDecoder('utf-8');

export function isPcapng(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x0a && bytes[1] === 0x0d && bytes[2] === 0x0d && bytes[3] === 0x0a;
}

// ── Blocks and options ─────────────────────────────────────────────────────────────────────

interface Option {
  code: number;
  value: Uint8Array;
}

/** Options from `start` to the end of a block body; stops quietly at anything malformed. */
function readOptions(body: Uint8Array, start: number, littleEndian: boolean): Option[] {
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  const options: Option[] = [];
  let offset = start;
  while (offset + 4 <= body.length) {
    const code = view.getUint16(offset, littleEndian);
    const length = view.getUint16(offset + 2, littleEndian);
    if (code === OPTION_END || offset + 4 + length > body.length) break;
    options.push({ code, value: body.subarray(offset + 4, offset + 4 + length) });
    offset += 4 + ((length + 3) & ~3);
  }
  return options;
}

const comments = (options: Option[]): string[] => options.filter((o) => o.code === OPTION_COMMENT).map((o) => lenientUtf8.decode(o.value));

interface Interface {
  linkType: number;
  unitsPerSecond: number;
}

function interfaceOf(body: Uint8Array, littleEndian: boolean): Interface | undefined {
  if (body.length < 8) return undefined;
  const linkType = new DataView(body.buffer, body.byteOffset, body.byteLength).getUint16(0, littleEndian);
  const resolution = readOptions(body, 8, littleEndian).find((o) => o.code === OPTION_IF_TSRESOL && o.value.length >= 1);
  const exponent = resolution ? (resolution.value[0] as number) : 6;
  const unitsPerSecond = exponent & 0x80 ? 2 ** (exponent & 0x7f) : 10 ** exponent;
  return { linkType, unitsPerSecond };
}

/** The IP packet inside a link-layer frame, or undefined for frames that carry none (ARP, …). */
function ipPayload(frame: Uint8Array, linkType: number, littleEndian: boolean): Uint8Array | undefined {
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const isIp = (etherType: number): boolean => etherType === ETHERTYPE_IPV4 || etherType === ETHERTYPE_IPV6;
  switch (linkType) {
    case LINKTYPE_RAW:
    case LINKTYPE_IPV4:
    case LINKTYPE_IPV6:
      return frame;
    case LINKTYPE_ETHERNET: {
      let at = 12;
      while (at + 2 <= frame.length && ETHERTYPE_VLAN.includes(view.getUint16(at))) at += 4;
      return at + 2 <= frame.length && isIp(view.getUint16(at)) ? frame.subarray(at + 2) : undefined;
    }
    case LINKTYPE_LINUX_SLL:
      return frame.length >= 16 && isIp(view.getUint16(14)) ? frame.subarray(16) : undefined;
    case LINKTYPE_NULL: {
      // The address family in the capturing host's byte order: AF_INET is 2, AF_INET6 24, 28 or 30.
      if (frame.length < 4) return undefined;
      const family = view.getUint32(0, littleEndian);
      return [2, 24, 28, 30].includes(family) ? frame.subarray(4) : undefined;
    }
    default:
      return undefined;
  }
}

const SUPPORTED_LINKS = [LINKTYPE_RAW, LINKTYPE_IPV4, LINKTYPE_IPV6, LINKTYPE_ETHERNET, LINKTYPE_LINUX_SLL, LINKTYPE_NULL];

// ── Turning packets into records ───────────────────────────────────────────────────────────

interface Packet {
  at: number;
  /** From epb_flags: true when our end sent it; undefined when the capture does not say. */
  outbound: boolean | undefined;
  comments: string[];
  src: Endpoint;
  dst: Endpoint;
}

interface Connection {
  id: string;
  local: Endpoint;
  /** As the packets spell it, to match them. */
  remote: Endpoint;
  /** As the records say it: unknown (empty) where the writer stood the unspecified address in. */
  recordedRemote: Endpoint;
  localFin: boolean;
  remoteFin: boolean;
  firstFin?: 'local' | 'remote';
  closed: boolean;
  counters: Counters;
  /** The next sequence number expected from each end, to drop bytes a capture holds twice. */
  nextSeq: { local?: number; remote?: number };
}

interface Pending {
  connection: Connection | undefined;
  dir: Direction;
  at: number;
  local: Endpoint;
  remote: Endpoint;
  chunks: Uint8Array[];
  length: number;
  origin: SendOrigin | undefined;
}

/** The origin a packet's comment names, and the TLS details a SYN's names, if well-formed. */
const originOf = (packet: Packet): SendOrigin | undefined => commentJson(packet.comments, ORIGIN_COMMENT_PREFIX, sendOriginSchema);
const tlsOf = (packet: Packet): TlsDetails | undefined => commentJson(packet.comments, TLS_COMMENT_PREFIX, tlsRecordSchema);

/** A body record before it gets its place in the transcript. */
type Unnumbered = BodyRecord extends infer R ? (R extends BodyRecord ? Omit<R, 'seq' | 'session'> : never) : never;

const endpointKey = (e: Endpoint): string => `${e.address}|${e.port}`;
const pairKey = (local: Endpoint, remote: Endpoint): string => `${endpointKey(local)}>${endpointKey(remote)}`;

/** An address as the packets spell it, so a header's text and a packet's bytes compare equal. */
function canonical(address: string): string {
  const bytes = addressFromText(address);
  return bytes ? addressToText(bytes) : address;
}

const sameEndpoint = (a: Endpoint, b: Endpoint): boolean => a.port === b.port && canonical(a.address) === canonical(b.address);

function joined(chunks: Uint8Array[], length: number): Uint8Array {
  if (chunks.length === 1) return chunks[0] as Uint8Array;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

class Transcriber {
  readonly records: BodyRecord[] = [];
  kind: SessionKind | undefined;
  firstAt: number | undefined;
  private readonly connections = new Map<string, Connection>();
  private readonly usedIds = new Set<string>();
  private readonly snapshotIds: Set<string>;
  private nextId = 1;
  private pending: Pending | undefined;
  /** For UDP without direction flags or a known local port: the first sender counts as our end. */
  private udpLocal: Endpoint | undefined;

  constructor(private readonly header: HeaderRecord | undefined) {
    this.kind = header?.kind;
    this.snapshotIds = new Set(header?.connections.map((c) => c.conn));
    for (const id of this.snapshotIds) this.usedIds.add(id);
  }

  private get session(): string {
    return this.header?.session ?? FOREIGN_SESSION;
  }

  private push(record: Unnumbered): void {
    this.records.push({ ...record, seq: this.records.length + 1, session: this.session } as BodyRecord);
  }

  flush(): void {
    const pending = this.pending;
    if (!pending) return;
    this.pending = undefined;
    const bytes = joined(pending.chunks, pending.length);
    const counters = pending.connection?.counters;
    if (counters && pending.dir === 'rx') {
      counters.rxBytes += bytes.length;
      counters.rxMessages++;
    } else if (counters) {
      counters.txBytes += bytes.length;
      counters.txMessages++;
    }
    this.push({
      type: 'data',
      at: pending.at,
      dir: pending.dir,
      ...(pending.connection ? { conn: pending.connection.id } : {}),
      local: pending.local,
      remote: pending.remote,
      bytes,
      ...(pending.origin ? { origin: pending.origin } : {}),
    });
  }

  private addData(
    connection: Connection | undefined,
    dir: Direction,
    local: Endpoint,
    remote: Endpoint,
    payload: Uint8Array,
    at: number,
    origin: SendOrigin | undefined,
  ): void {
    const pending = this.pending;
    // A named origin starts a record of its own: its bytes were one send.
    if (pending && (pending.connection !== connection || pending.dir !== dir || connection === undefined || origin)) this.flush();
    if (!this.pending) this.pending = { connection, dir, at, local, remote, chunks: [], length: 0, origin };
    this.pending.chunks.push(payload);
    this.pending.length += payload.length;
  }

  private senderIsLocal(packet: Packet, serverSends: boolean): boolean {
    if (packet.outbound !== undefined) return packet.outbound;
    const port = this.header?.local?.port;
    if (port !== undefined && port !== 0 && packet.src.port !== packet.dst.port) {
      if (packet.src.port === port) return true;
      if (packet.dst.port === port) return false;
    }
    // Without a word from the capture: our end is the server for a listener's session, the
    // client otherwise, and the client is whoever sent anything but a SYN-ACK.
    return serverSends === (this.kind === 'tcp-server');
  }

  private freshId(wanted: string | undefined, snapshot: boolean): string {
    if (wanted !== undefined && (snapshot || !this.usedIds.has(wanted))) {
      this.usedIds.add(wanted);
      return wanted;
    }
    while (this.usedIds.has(`c${this.nextId}`)) this.nextId++;
    const id = `c${this.nextId}`;
    this.usedIds.add(id);
    return id;
  }

  private openConnection(packet: Packet, flags: number, wanted: string | undefined, remoteUnknown = false, tls?: TlsDetails): Connection {
    this.flush();
    const senderLocal = this.senderIsLocal(packet, (flags & (TCP_SYN | TCP_ACK)) === (TCP_SYN | TCP_ACK));
    const local = senderLocal ? packet.src : packet.dst;
    const remote = senderLocal ? packet.dst : packet.src;
    const snapshot = this.findSnapshot(wanted, local, remote);
    const id = this.freshId(snapshot?.conn ?? wanted, snapshot !== undefined);
    if (snapshot) this.snapshotIds.delete(snapshot.conn);
    const recordedRemote: Endpoint = remoteUnknown ? { address: '', port: 0, family: 'IPv4' } : remote;
    const connection: Connection = {
      id,
      local,
      remote,
      recordedRemote,
      localFin: false,
      remoteFin: false,
      closed: false,
      counters: zeroCounters(),
      nextSeq: {},
    };
    this.connections.set(pairKey(local, remote), connection);
    if (!snapshot) this.push({ type: 'open', at: packet.at, conn: id, local, remote: recordedRemote, ...(tls ? { tls } : {}) });
    return connection;
  }

  /** A connection the header lists as open when recording began: its handshake is no `open` record. */
  private findSnapshot(wanted: string | undefined, local: Endpoint, remote: Endpoint): ConnectionSnapshot | undefined {
    const open = this.header?.connections.filter((c) => this.snapshotIds.has(c.conn)) ?? [];
    if (wanted !== undefined) return open.find((c) => c.conn === wanted);
    return open.find((c) => sameEndpoint(c.local, local) && sameEndpoint(c.remote, remote));
  }

  private close(connection: Connection, reason: CloseReason, at: number): void {
    connection.closed = true;
    this.push({ type: 'close', at, conn: connection.id, reason, counters: { ...connection.counters } });
  }

  tcp(packet: Packet, segment: ParsedTcp): void {
    this.kind ??= 'tcp-client';
    let connection = this.connections.get(pairKey(packet.src, packet.dst)) ?? this.connections.get(pairKey(packet.dst, packet.src));
    const flags = segment.flags;
    const opening = (flags & TCP_SYN) !== 0 && (flags & TCP_ACK) === 0;
    if (opening && (!connection || connection.closed)) {
      const named = packet.comments.find((c) => c.startsWith(CONN_COMMENT_PREFIX))?.slice(CONN_COMMENT_PREFIX.length);
      const wanted = named !== undefined && named.length >= 1 && named.length <= MAX_ID_LENGTH ? named : undefined;
      const remoteUnknown = packet.comments.some((c) => c.startsWith(REMOTE_UNKNOWN_PREFIX));
      connection = this.openConnection(packet, flags, wanted, remoteUnknown, tlsOf(packet));
    } else if (!connection) {
      // Recording (or the capture) began mid-connection.
      connection = this.openConnection(packet, flags, undefined);
    }
    if (connection.closed) return;
    const fromLocal = pairKey(packet.src, packet.dst) === pairKey(connection.local, connection.remote);
    const side = fromLocal ? 'local' : 'remote';
    const payload = this.unseen(connection, side, segment);
    if (payload.length > 0) {
      this.addData(connection, fromLocal ? 'tx' : 'rx', connection.local, connection.recordedRemote, payload, packet.at, originOf(packet));
      if (flags & TCP_PSH) this.flush();
    }
    if ((flags & (TCP_FIN | TCP_RST)) === 0) return;
    this.flush();
    const stated = packet.comments.find((c) => c.startsWith(CLOSE_COMMENT_PREFIX))?.slice(CLOSE_COMMENT_PREFIX.length);
    const reason = CLOSE_REASONS.find((r) => r === stated);
    if (flags & TCP_RST) {
      this.close(connection, reason ?? (fromLocal ? 'local-reset' : 'peer-reset'), packet.at);
      return;
    }
    if (fromLocal ? connection.localFin : connection.remoteFin) return;
    if (fromLocal) connection.localFin = true;
    else connection.remoteFin = true;
    connection.firstFin ??= side;
    if (reason) {
      this.close(connection, reason, packet.at);
      return;
    }
    this.push({ type: 'half-close', at: packet.at, conn: connection.id, by: fromLocal ? 'local' : 'peer' });
    if (connection.localFin && connection.remoteFin) {
      this.close(connection, connection.firstFin === 'local' ? 'local-closed' : 'peer-closed', packet.at);
    }
  }

  /** The part of a segment's payload not already seen: a capture may hold a retransmission. */
  private unseen(connection: Connection, side: 'local' | 'remote', segment: ParsedTcp): Uint8Array {
    const expected = connection.nextSeq[side];
    const consumed = segment.payload.length + (segment.flags & TCP_SYN ? 1 : 0) + (segment.flags & TCP_FIN ? 1 : 0);
    const end = (segment.seq + consumed) >>> 0;
    if (expected === undefined || ((end - expected) | 0) > 0) connection.nextSeq[side] = end;
    if (expected === undefined) return segment.payload;
    const dataStart = (segment.seq + (segment.flags & TCP_SYN ? 1 : 0)) >>> 0;
    const overlap = (expected - dataStart) | 0;
    return overlap > 0 ? segment.payload.subarray(Math.min(overlap, segment.payload.length)) : segment.payload;
  }

  udp(packet: Packet, payload: Uint8Array): void {
    this.kind ??= 'udp';
    this.flush();
    let fromLocal: boolean;
    if (packet.outbound !== undefined) fromLocal = packet.outbound;
    else if (this.header?.local && this.header.local.port !== 0 && packet.src.port !== packet.dst.port) {
      fromLocal = packet.src.port === this.header.local.port;
    } else {
      this.udpLocal ??= packet.src;
      fromLocal = sameEndpoint(packet.src, this.udpLocal);
    }
    const [local, remote] = fromLocal ? [packet.src, packet.dst] : [packet.dst, packet.src];
    this.addData(
      this.datagramConnection(packet, local, remote),
      fromLocal ? 'tx' : 'rx',
      local,
      remote,
      payload,
      packet.at,
      originOf(packet),
    );
    this.flush();
  }

  /**
   * A leg's `open`, where the recording had it: a relay wrote it before the datagram of the
   * pair's other leg that it passed on first, so that datagram and its copy stay next to each other.
   */
  private openBeforePassedOn(open: Unnumbered & { type: 'open' }): void {
    const last = this.records[this.records.length - 1];
    const passedOn =
      last?.type === 'data' &&
      last.conn !== undefined &&
      last.at === open.at &&
      relayLegOf(last.conn).pair === relayLegOf(open.conn).pair &&
      last.conn !== open.conn;
    if (!passedOn) return this.push(open);
    this.records.pop();
    this.push(open);
    this.records.push({ ...last, seq: this.records.length + 1 });
  }

  /**
   * A UDP relay's mapping and leg, as the datagram's comment names it: opened at its first
   * datagram unless the header lists it as open when recording began. The file holds no packet
   * for a mapping's expiry, so none comes back as closed.
   */
  private datagramConnection(packet: Packet, local: Endpoint, remote: Endpoint): Connection | undefined {
    const named = packet.comments.find((c) => c.startsWith(CONN_COMMENT_PREFIX))?.slice(CONN_COMMENT_PREFIX.length);
    if (named === undefined || named.length < 1 || named.length > MAX_ID_LENGTH) return undefined;
    const key = `datagrams ${named}`;
    const known = this.connections.get(key);
    if (known) return known;
    const snapshot = this.snapshotIds.delete(named);
    this.usedIds.add(named);
    const connection: Connection = {
      id: named,
      local,
      remote,
      recordedRemote: remote,
      localFin: false,
      remoteFin: false,
      closed: false,
      counters: zeroCounters(),
      nextSeq: {},
    };
    this.connections.set(key, connection);
    if (!snapshot) this.openBeforePassedOn({ type: 'open', at: packet.at, conn: named, local, remote });
    return connection;
  }
}

// ── The file ───────────────────────────────────────────────────────────────────────────────

function headerFromComment(options: Option[]): { header?: HeaderRecord; problem?: Phrase } {
  const comment = comments(options).find((c) => c.startsWith(SHB_COMMENT_PREFIX));
  if (comment === undefined) return {};
  const decoded = decodeRecordLine(utf8.encode(comment.slice(SHB_COMMENT_PREFIX.length)));
  if (!decoded.ok) return { problem: phrase('pcapng.headerDamaged', { problem: decoded.problem }) };
  if (decoded.record.type !== 'header') return { problem: phrase('pcapng.noHeader') };
  const header = decoded.record;
  if (!READABLE_TRANSCRIPT_VERSIONS.includes(header.version)) {
    return {
      header,
      problem: phrase('pcapng.newerVersion', { version: String(header.version) }),
    };
  }
  return { header };
}

function safeIso(at: number): string {
  const date = new Date(at);
  return Number.isNaN(date.getTime()) ? new Date(0).toISOString() : date.toISOString();
}

function foreignHeader(kind: SessionKind, at: number, application: string | undefined): HeaderRecord {
  return {
    type: 'header',
    seq: 0,
    at,
    session: FOREIGN_SESSION,
    format: TRANSCRIPT_FORMAT_NAME,
    version: TRANSCRIPT_VERSION,
    app: { name: application ?? 'unknown', version: '' },
    started: safeIso(at),
    kind,
    config: {},
    connections: [],
  };
}

function notPcapng(bytes: Uint8Array): Phrase {
  if (bytes.length === 0) return phrase('pcapng.empty');
  const magic = bytes.length >= 4 ? new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0) : 0;
  if ([0xa1b2c3d4, 0xd4c3b2a1, 0xa1b23c4d, 0x4d3cb2a1].includes(magic)) {
    return phrase('pcapng.classic');
  }
  return phrase('pcapng.notPcapng');
}

/** One pass over the blocks of a file that begins with a Section Header Block. */
class BlockReader {
  private readonly view: DataView;
  private header: HeaderRecord | undefined;
  private application: string | undefined;
  private transcriber: Transcriber | undefined;
  private littleEndian = true;
  private interfaces: Interface[] = [];
  private problem: PcapngProblem | undefined;

  constructor(private readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** Trouble with one packet or interface: noted once, reading goes on. */
  private note(offset: number, said: Phrase): void {
    this.problem ??= { offset, kind: 'skipped', message: english(said), phrase: said };
  }

  /** Trouble with the file itself: reading stops, and this is what the reader must hear. */
  private stop(offset: number, kind: 'torn' | 'corrupt', said: Phrase): void {
    this.problem = { offset, kind, message: english(said), phrase: said };
  }

  read(): PcapngRead {
    let offset = 0;
    while (offset < this.bytes.length) {
      const total = this.blockLength(offset);
      if (total === undefined) break;
      const body = this.bytes.subarray(offset + 8, offset + total - 4);
      const type = this.view.getUint32(offset, this.littleEndian);
      if (type === BLOCK_SECTION_HEADER) this.sectionHeader(offset, body);
      else if (type === BLOCK_INTERFACE_DESCRIPTION) this.interfaceDescription(offset, body);
      else if (type === BLOCK_ENHANCED_PACKET) this.packet(offset, body);
      offset += total;
    }
    this.transcriber?.flush();
    const result: PcapngRead = {
      header: this.header ?? foreignHeader(this.transcriber?.kind ?? 'tcp-client', this.transcriber?.firstAt ?? 0, this.application),
      records: this.transcriber?.records ?? [],
    };
    if (this.problem) result.problem = this.problem;
    return result;
  }

  /** The whole block's length once it is known to be all there and sound; undefined stops reading. */
  private blockLength(offset: number): number | undefined {
    const remaining = this.bytes.length - offset;
    const cut = (needed: number): undefined => {
      this.stop(
        offset,
        'torn',
        phrase('pcapng.cut', {
          size: String(this.bytes.length),
          offset: String(offset),
          needed: String(needed),
          remaining: String(remaining),
        }),
      );
      return undefined;
    };
    const damaged = (what: Phrase): undefined => {
      this.stop(offset, 'corrupt', phrase('pcapng.blockDamaged', { offset: String(offset), what }));
      return undefined;
    };
    if (remaining < 12) return cut(12);
    if (this.view.getUint32(offset) === BLOCK_SECTION_HEADER) {
      // A section states its own byte order; the block type reads the same either way.
      const magic = this.view.getUint32(offset + 8, true);
      if (magic !== BYTE_ORDER_MAGIC && this.view.getUint32(offset + 8, false) !== BYTE_ORDER_MAGIC)
        return damaged(phrase('pcapng.badMagic'));
      this.littleEndian = magic === BYTE_ORDER_MAGIC;
    }
    const total = this.view.getUint32(offset + 4, this.littleEndian);
    if (total < 12 || total % 4 !== 0) return damaged(phrase('pcapng.badLength', { length: String(total) }));
    if (total > remaining) return cut(total);
    if (this.view.getUint32(offset + total - 4, this.littleEndian) !== total) return damaged(phrase('pcapng.lengthsDiffer'));
    return total;
  }

  private sectionHeader(offset: number, body: Uint8Array): void {
    this.interfaces = [];
    if (this.transcriber) return;
    const options = body.length >= 16 ? readOptions(body, 16, this.littleEndian) : [];
    const fromComment = headerFromComment(options);
    this.header = fromComment.header;
    if (fromComment.problem) this.note(offset, fromComment.problem);
    const userAppl = options.find((o) => o.code === OPTION_SHB_USERAPPL);
    if (userAppl) this.application = lenientUtf8.decode(userAppl.value);
    this.transcriber = new Transcriber(this.header);
  }

  private interfaceDescription(offset: number, body: Uint8Array): void {
    const description = interfaceOf(body, this.littleEndian);
    if (!description) return;
    this.interfaces.push(description);
    if (!SUPPORTED_LINKS.includes(description.linkType)) {
      this.note(offset, phrase('pcapng.linkType', { index: String(this.interfaces.length - 1), linkType: String(description.linkType) }));
    }
  }

  private packet(offset: number, body: Uint8Array): void {
    const transcriber = this.transcriber;
    if (!transcriber || body.length < 20) return;
    const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
    const link = this.interfaces[view.getUint32(0, this.littleEndian)];
    const captured = view.getUint32(12, this.littleEndian);
    if (!link) return this.note(offset, phrase('pcapng.unknownInterface', { offset: String(offset) }));
    if (captured > body.length - 20) return this.note(offset, phrase('pcapng.shortPacket', { offset: String(offset) }));
    if (!SUPPORTED_LINKS.includes(link.linkType)) return;
    const ip = ipPayload(body.subarray(20, 20 + captured), link.linkType, this.littleEndian);
    if (!ip) return;
    const parsed = parseIpPacket(ip);
    if (!parsed.ok) {
      // Other protocols (ICMP, …) are simply not part of a transcript.
      if (!parsed.otherProtocol) this.note(offset, phrase('pcapng.packetSkipped', { offset: String(offset), problem: parsed.problem }));
      return;
    }
    const options = readOptions(body, 20 + ((captured + 3) & ~3), this.littleEndian);
    const flagsOption = options.find((o) => o.code === OPTION_EPB_FLAGS && o.value.length === 4);
    const direction = flagsOption
      ? new DataView(flagsOption.value.buffer, flagsOption.value.byteOffset, 4).getUint32(0, this.littleEndian) & 3
      : 0;
    const units = view.getUint32(4, this.littleEndian) * 0x1_0000_0000 + view.getUint32(8, this.littleEndian);
    const at = (units / link.unitsPerSecond) * 1000;
    const family = parsed.version === 4 ? 'IPv4' : 'IPv6';
    const packet: Packet = {
      at: Number.isFinite(at) ? at : 0,
      outbound: direction === EPB_OUTBOUND ? true : direction === EPB_INBOUND ? false : undefined,
      comments: comments(options),
      src: { address: addressToText(parsed.src), port: parsed.transport.srcPort, family },
      dst: { address: addressToText(parsed.dst), port: parsed.transport.dstPort, family },
    };
    transcriber.firstAt ??= packet.at;
    if (parsed.transport.protocol === 'tcp') transcriber.tcp(packet, parsed.transport);
    else transcriber.udp(packet, parsed.transport.payload);
  }
}

/** A pcapng file back to a header and records; see the top of this file for what comes back whole. */
export function readPcapng(bytes: Uint8Array): PcapngRead {
  if (!isPcapng(bytes))
    return {
      header: foreignHeader('tcp-client', 0, undefined),
      records: [],
      problem: { offset: 0, kind: 'corrupt', message: english(notPcapng(bytes)), phrase: notPcapng(bytes) },
    };
  return new BlockReader(bytes).read();
}
