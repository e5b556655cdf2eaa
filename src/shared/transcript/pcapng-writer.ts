/**
 * A transcript as pcapng (little-endian, one raw-IP interface) that Wireshark and tshark open
 * with the real addresses and ports. TCP connections become whole streams — handshake, sequence
 * and acknowledgement numbers, FIN/RST — so "Follow TCP Stream" gives back each direction's bytes
 * exactly; UDP records become one datagram each.
 *
 * What the packets cannot say travels in comments, so pcapng-reader.ts rebuilds the transcript:
 * the Section Header Block's comment is SHB_COMMENT_PREFIX + the header record's JSON line (CRC
 * included), a SYN's comment names the connection (`conn=c3`), and the first packet a `close`
 * record makes names its reason (`close=session-closed`). A peer whose address the app never
 * learnt (it reset the connection before the accept completed) is drawn as the unspecified
 * address, port 0, and its SYN says so in a second comment (REMOTE_UNKNOWN_COMMENT). Every packet's epb_flags says whether
 * our end sent it (outbound) or received it (inbound); the last segment of a data record carries
 * PSH, the ones before it only ACK, so a reader can put a record split into segments back together.
 * Bytes sent by a rule, heartbeat, repeat run or sequence say so on their first packet
 * (ORIGIN_COMMENT_PREFIX + the record's `origin` as JSON).
 */
import { encodeRecordLine } from './record-line';
import { carriesDatagrams, peerOpened, type BodyRecord, type DataRecord, type HeaderRecord } from './records';
import type { Endpoint } from '../address';
import type { CloseReason, TlsDetails } from '../contract';
import { TCP_ACK, TCP_FIN, TCP_PSH, TCP_RST, TCP_SYN, addressPair, maxPayload, tcpPacket, udpPacket } from './ip-packets';

export const SHB_COMMENT_PREFIX = 'socket-inspector ';
export const CONN_COMMENT_PREFIX = 'conn=';
export const CLOSE_COMMENT_PREFIX = 'close=';
export const ORIGIN_COMMENT_PREFIX = 'origin=';

const originComments = (record: DataRecord): string[] =>
  record.origin ? [`${ORIGIN_COMMENT_PREFIX}${JSON.stringify(record.origin)}`] : [];
/**
 * A TLS connection's SYN also carries what its handshake settled, as JSON after this prefix:
 * the packets hold the plaintext (docs/transcript-format.md § TLS sessions), not TLS records.
 */
export const TLS_COMMENT_PREFIX = 'tls=';
/**
 * The handshake and the reset went on the wire with the peer's real address, but the app could
 * not read it: the packets stand the unspecified address in for it, and say so, rather than
 * leave out a connection the log shows or pass 0.0.0.0 off as a peer.
 */
export const REMOTE_UNKNOWN_COMMENT =
  'remote=unknown: the peer reset the connection before the app accepted it, so its address and port could not be read; the unspecified address and port 0 stand in for them';

export const BLOCK_SECTION_HEADER = 0x0a0d0d0a;
export const BLOCK_INTERFACE_DESCRIPTION = 0x00000001;
export const BLOCK_ENHANCED_PACKET = 0x00000006;
export const BYTE_ORDER_MAGIC = 0x1a2b3c4d;

export const OPTION_END = 0;
export const OPTION_COMMENT = 1;
export const OPTION_SHB_USERAPPL = 4;
export const OPTION_IF_TSRESOL = 9;
export const OPTION_EPB_FLAGS = 2;
/** epb_flags bits 0–1: the packet's direction as seen from our end. */
export const EPB_INBOUND = 1;
export const EPB_OUTBOUND = 2;

export const LINKTYPE_RAW = 101;
const SNAPLEN = 262_144;
/** if_tsresol 6: timestamps count microseconds. */
const TS_RESOLUTION = 6;
const WINDOW = 65_535;

const utf8 = new TextEncoder();

// ── Blocks ─────────────────────────────────────────────────────────────────────────────────

interface Option {
  code: number;
  value: Uint8Array;
}

const padded = (length: number): number => (length + 3) & ~3;

const optionsLength = (options: Option[]): number =>
  options.length === 0 ? 0 : options.reduce((sum, option) => sum + 4 + padded(option.value.length), 4);

function writeOptions(view: DataView, bytes: Uint8Array, at: number, options: Option[]): void {
  if (options.length === 0) return;
  let offset = at;
  for (const option of options) {
    view.setUint16(offset, option.code, true);
    view.setUint16(offset + 2, option.value.length, true);
    bytes.set(option.value, offset + 4);
    offset += 4 + padded(option.value.length);
  }
  view.setUint32(offset, OPTION_END, true);
}

/** A block: type, total length, the fixed body `fill` writes, options, total length again. */
function block(type: number, fixedLength: number, options: Option[], fill: (view: DataView, bytes: Uint8Array) => void): Uint8Array {
  const total = 8 + padded(fixedLength) + optionsLength(options) + 4;
  const bytes = new Uint8Array(total);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, type, true);
  view.setUint32(4, total, true);
  fill(new DataView(bytes.buffer, 8), bytes.subarray(8));
  writeOptions(view, bytes, 8 + padded(fixedLength), options);
  view.setUint32(total - 4, total, true);
  return bytes;
}

const text = (code: number, value: string): Option => ({ code, value: utf8.encode(value) });

function sectionHeader(header: HeaderRecord, app: { name: string; version: string }): Uint8Array {
  const line = encodeRecordLine(header);
  const comment = `${SHB_COMMENT_PREFIX}${new TextDecoder().decode(line.subarray(0, line.length - 1))}`;
  return block(
    BLOCK_SECTION_HEADER,
    16,
    [text(OPTION_SHB_USERAPPL, `${app.name} ${app.version}`), text(OPTION_COMMENT, comment)],
    (view) => {
      view.setUint32(0, BYTE_ORDER_MAGIC, true);
      view.setUint16(4, 1, true);
      view.setUint16(6, 0, true);
      // Section length -1: not stated, so the file can be written as a stream.
      view.setUint32(8, 0xffffffff, true);
      view.setUint32(12, 0xffffffff, true);
    },
  );
}

function interfaceDescription(): Uint8Array {
  return block(BLOCK_INTERFACE_DESCRIPTION, 8, [{ code: OPTION_IF_TSRESOL, value: Uint8Array.of(TS_RESOLUTION) }], (view) => {
    view.setUint16(0, LINKTYPE_RAW, true);
    view.setUint32(4, SNAPLEN, true);
  });
}

function enhancedPacket(packet: Uint8Array, at: number, outbound: boolean, comments: readonly string[]): Uint8Array {
  const flags = new Uint8Array(4);
  new DataView(flags.buffer).setUint32(0, outbound ? EPB_OUTBOUND : EPB_INBOUND, true);
  const options: Option[] = [{ code: OPTION_EPB_FLAGS, value: flags }];
  for (const comment of comments) options.push(text(OPTION_COMMENT, comment));
  const micros = Number.isFinite(at) && at > 0 ? Math.round(at * 1000) : 0;
  return block(BLOCK_ENHANCED_PACKET, 20 + packet.length, options, (view, bytes) => {
    view.setUint32(4, Math.floor(micros / 0x1_0000_0000), true);
    view.setUint32(8, micros >>> 0, true);
    view.setUint32(12, packet.length, true);
    view.setUint32(16, packet.length, true);
    bytes.set(packet, 20);
  });
}

function concat(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0] as Uint8Array;
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

// ── TCP streams ────────────────────────────────────────────────────────────────────────────

interface Side {
  address: Uint8Array;
  port: number;
  local: boolean;
  /** The sequence number of this side's next byte. */
  next: number;
  /** The last acknowledgement number this side sent. */
  acked: number;
  finSent: boolean;
}

interface Stream {
  local: Side;
  remote: Side;
}

/** FNV-1a: initial sequence numbers that differ per connection yet repeat from one export to the next. */
function isn(seed: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < seed.length; i++) hash = Math.imul(hash ^ seed.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}

export class PcapngWriter {
  private readonly streams = new Map<string, Stream>();
  private readonly blocks: Uint8Array[] = [];
  private identification = 0;
  /** Whether each record is a datagram (UDP packets) or part of a TCP stream: the header settles it once for every record. */
  private readonly datagrams: boolean;

  constructor(
    private readonly header: HeaderRecord,
    private readonly app: { name: string; version: string } = header.app,
  ) {
    this.datagrams = carriesDatagrams(header);
  }

  /** The section and interface blocks, then a handshake for each connection open when recording began. */
  start(): Uint8Array {
    this.blocks.push(sectionHeader(this.header, this.app), interfaceDescription());
    if (!this.datagrams) {
      for (const snapshot of this.header.connections) this.open(snapshot.conn, snapshot.local, snapshot.remote, snapshot.since);
    }
    return this.take();
  }

  /** The packets one record makes, as blocks to append; empty for records that make none. */
  write(record: BodyRecord): Uint8Array {
    if (this.datagrams) {
      if (record.type === 'data') this.datagram(record);
      return this.take();
    }
    switch (record.type) {
      case 'open':
        if (!this.streams.has(record.conn)) this.open(record.conn, record.local, record.remote, record.at, record.tls);
        break;
      case 'data':
        this.data(record);
        break;
      case 'half-close': {
        const stream = this.streams.get(record.conn);
        if (stream) this.halfClose(stream, record.by === 'local' ? stream.local : stream.remote, record.at);
        break;
      }
      case 'close': {
        const stream = this.streams.get(record.conn);
        if (stream) this.close(stream, record.reason, record.at);
        this.streams.delete(record.conn);
        break;
      }
      default:
        break;
    }
    return this.take();
  }

  private take(): Uint8Array {
    const out = concat(this.blocks);
    this.blocks.length = 0;
    return out;
  }

  private nextIdentification(): number {
    this.identification = (this.identification + 1) & 0xffff;
    return this.identification;
  }

  private open(conn: string, local: Endpoint, remote: Endpoint, at: number, tls?: TlsDetails): void {
    const [localAddress, remoteAddress] = addressPair(local.address, remote.address);
    const side = (address: Uint8Array, port: number, isLocal: boolean): Side => {
      const start = isn(`${conn}/${isLocal ? 'local' : 'remote'}`);
      return { address, port, local: isLocal, next: start, acked: 0, finSent: false };
    };
    const stream: Stream = { local: side(localAddress, local.port, true), remote: side(remoteAddress, remote.port, false) };
    this.streams.set(conn, stream);
    const [client, server] = peerOpened(this.header, conn) ? [stream.remote, stream.local] : [stream.local, stream.remote];
    const named = `${CONN_COMMENT_PREFIX}${conn}`;
    const comments = remote.address === '' ? [named, REMOTE_UNKNOWN_COMMENT] : [named];
    if (tls) comments.push(`${TLS_COMMENT_PREFIX}${JSON.stringify(tls)}`);
    this.segment(client, server, TCP_SYN, at, comments);
    this.segment(server, client, TCP_SYN | TCP_ACK, at);
    this.segment(client, server, TCP_ACK, at);
  }

  private segment(
    from: Side,
    to: Side,
    flags: number,
    at: number,
    comments: readonly string[] = [],
    payload: Uint8Array = new Uint8Array(0),
  ): void {
    const acking = (flags & TCP_ACK) !== 0;
    const packet = tcpPacket({
      src: from.address,
      dst: to.address,
      srcPort: from.port,
      dstPort: to.port,
      seq: from.next,
      ack: acking ? to.next : 0,
      flags,
      window: WINDOW,
      payload,
      identification: this.nextIdentification(),
    });
    if (acking) from.acked = to.next;
    from.next = (from.next + payload.length + (flags & TCP_SYN ? 1 : 0) + (flags & TCP_FIN ? 1 : 0)) >>> 0;
    this.blocks.push(enhancedPacket(packet, at, from.local, comments));
  }

  private data(record: DataRecord): void {
    if (record.conn === undefined || record.bytes.length === 0) return;
    if (!this.streams.has(record.conn)) this.open(record.conn, record.local, record.remote, record.at);
    const stream = this.streams.get(record.conn) as Stream;
    const [from, to] = record.dir === 'tx' ? [stream.local, stream.remote] : [stream.remote, stream.local];
    const most = maxPayload('tcp', from.address.length);
    for (let offset = 0; offset < record.bytes.length; offset += most) {
      const chunk = record.bytes.subarray(offset, offset + most);
      // The receiver acknowledges before the sender would overrun the 65,535-byte window, as a
      // real one must; otherwise the capture would show megabytes in flight on that window.
      const inFlight = (from.next - to.acked) >>> 0;
      if (inFlight > 0 && inFlight + chunk.length >= WINDOW) this.segment(to, from, TCP_ACK, record.at);
      const last = offset + most >= record.bytes.length;
      this.segment(from, to, last ? TCP_PSH | TCP_ACK : TCP_ACK, record.at, offset === 0 ? originComments(record) : [], chunk);
    }
  }

  private fin(from: Side, to: Side, at: number, comments: readonly string[] = []): void {
    this.segment(from, to, TCP_FIN | TCP_ACK, at, comments);
    from.finSent = true;
  }

  private halfClose(stream: Stream, by: Side, at: number): void {
    if (by.finSent) return;
    const other = by === stream.local ? stream.remote : stream.local;
    this.fin(by, other, at);
    this.segment(other, by, TCP_ACK, at);
  }

  private close(stream: Stream, reason: CloseReason, at: number): void {
    const comments = [`${CLOSE_COMMENT_PREFIX}${reason}`];
    if (reason === 'peer-reset' || reason === 'local-reset') {
      const [from, to] = reason === 'peer-reset' ? [stream.remote, stream.local] : [stream.local, stream.remote];
      this.segment(from, to, TCP_RST | TCP_ACK, at, comments);
      return;
    }
    const [first, second] = reason === 'peer-closed' ? [stream.remote, stream.local] : [stream.local, stream.remote];
    if (first.finSent && second.finSent) return;
    if (!first.finSent && !second.finSent) {
      this.fin(first, second, at, comments);
      this.fin(second, first, at);
      this.segment(first, second, TCP_ACK, at);
      return;
    }
    const [closed, closing] = first.finSent ? [first, second] : [second, first];
    this.fin(closing, closed, at, comments);
    this.segment(closed, closing, TCP_ACK, at);
  }

  private datagram(record: DataRecord): void {
    const [localAddress, remoteAddress] = addressPair(record.local.address, record.remote.address);
    const local = { address: localAddress, port: record.local.port };
    const remote = { address: remoteAddress, port: record.remote.port };
    const [from, to] = record.dir === 'tx' ? [local, remote] : [remote, local];
    const most = maxPayload('udp', localAddress.length);
    const fits = record.bytes.length <= most;
    const packet = udpPacket({
      src: from.address,
      dst: to.address,
      srcPort: from.port,
      dstPort: to.port,
      payload: fits ? record.bytes : record.bytes.subarray(0, most),
      identification: this.nextIdentification(),
    });
    // A UDP relay's datagram names its mapping and leg (`c1`, `c1/server`), as a TCP SYN names
    // its connection: the addresses alone do not say which pair an upstream datagram belongs to.
    const comments = [...(record.conn !== undefined ? [`${CONN_COMMENT_PREFIX}${record.conn}`] : []), ...originComments(record)];
    if (!fits) comments.push(`truncated: the datagram held ${record.bytes.length} bytes, one IP packet carries at most ${most}`);
    this.blocks.push(enhancedPacket(packet, record.at, record.dir === 'tx', comments));
  }
}
