/**
 * Raw IPv4 and IPv6 packets carrying one TCP segment or one UDP datagram, built with every
 * checksum right so Wireshark and tshark accept them, and parsed back. Parsing understands IPv4
 * with options and IPv6 without extension headers (what this app writes and what loopback
 * captures hold); anything else is reported, not guessed at.
 */

import { phrase, type Phrase, type PhraseKey } from '../phrase';

export const PROTOCOL_TCP = 6;
export const PROTOCOL_UDP = 17;

export const TCP_FIN = 0x01;
export const TCP_SYN = 0x02;
export const TCP_RST = 0x04;
export const TCP_PSH = 0x08;
export const TCP_ACK = 0x10;

const IPV4_HEADER = 20;
const IPV6_HEADER = 40;
const TCP_HEADER = 20;
const UDP_HEADER = 8;
/** The largest IPv4 total length and the largest IPv6 payload length (no jumbograms). */
const MAX_IP_LENGTH = 65_535;
const TTL = 64;
const IPV4_DONT_FRAGMENT = 0x4000;

/** The most payload one segment or datagram carries: 65,495 / 65,515 (TCP), 65,507 / 65,527 (UDP). */
export function maxPayload(protocol: 'tcp' | 'udp', addressLength: number): number {
  const header = protocol === 'tcp' ? TCP_HEADER : UDP_HEADER;
  return addressLength === 4 ? MAX_IP_LENGTH - IPV4_HEADER - header : MAX_IP_LENGTH - header;
}

// ── Addresses ──────────────────────────────────────────────────────────────────────────────

const DECIMAL_OCTET = /^(?:0|[1-9][0-9]{0,2})$/;
const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/;

export function ipv4FromText(text: string): Uint8Array | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  const bytes = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const part = parts[i] as string;
    if (!DECIMAL_OCTET.test(part) || Number(part) > 255) return undefined;
    bytes[i] = Number(part);
  }
  return bytes;
}

function hexGroups(text: string): number[] | undefined {
  if (text === '') return [];
  const groups: number[] = [];
  for (const group of text.split(':')) {
    if (!HEX_GROUP.test(group)) return undefined;
    groups.push(parseInt(group, 16));
  }
  return groups;
}

/** IPv6 text with `::`, an embedded dotted IPv4 tail and a zone (`%eth0`, dropped: packets carry none). */
export function ipv6FromText(text: string): Uint8Array | undefined {
  const zoneAt = text.indexOf('%');
  let rest = zoneAt === -1 ? text : text.slice(0, zoneAt);
  const lastColon = rest.lastIndexOf(':');
  if (lastColon !== -1 && rest.includes('.', lastColon)) {
    const v4 = ipv4FromText(rest.slice(lastColon + 1));
    if (!v4) return undefined;
    rest = `${rest.slice(0, lastColon + 1)}${((v4[0]! << 8) | v4[1]!).toString(16)}:${((v4[2]! << 8) | v4[3]!).toString(16)}`;
  }
  const halves = rest.split('::');
  if (halves.length > 2) return undefined;
  const head = hexGroups(halves[0] as string);
  const tail = halves.length === 2 ? hexGroups(halves[1] as string) : [];
  if (!head || !tail) return undefined;
  const count = head.length + tail.length;
  if (halves.length === 2 ? count > 7 : count !== 8) return undefined;
  const words = [...head, ...new Array<number>(8 - count).fill(0), ...tail];
  const bytes = new Uint8Array(16);
  words.forEach((word, i) => {
    bytes[i * 2] = word >> 8;
    bytes[i * 2 + 1] = word & 0xff;
  });
  return bytes;
}

/** 4 bytes for IPv4 text, 16 for IPv6 text, undefined for anything else (names included). */
export function addressFromText(text: string): Uint8Array | undefined {
  return ipv4FromText(text) ?? ipv6FromText(text);
}

/**
 * Bytes back to text the way Node (libuv) writes it, so an address read from a capture equals
 * the one the engine reported: the longest run of zero groups as `::`, and `::ffff:1.2.3.4` /
 * `::1.2.3.4` with a dotted tail.
 */
export function addressToText(bytes: Uint8Array): string {
  if (bytes.length === 4) return bytes.join('.');
  const words: number[] = [];
  for (let i = 0; i < 16; i += 2) words.push(((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0));
  let bestBase = -1;
  let bestLength = 0;
  for (let i = 0; i < 8;) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let end = i;
    while (end < 8 && words[end] === 0) end++;
    if (end - i > bestLength) {
      bestBase = i;
      bestLength = end - i;
    }
    i = end;
  }
  if (bestLength < 2) bestBase = -1;
  let text = '';
  for (let i = 0; i < 8; i++) {
    if (bestBase !== -1 && i >= bestBase && i < bestBase + bestLength) {
      if (i === bestBase) text += ':';
      continue;
    }
    if (i !== 0) text += ':';
    if (i === 6 && bestBase === 0 && (bestLength === 6 || (bestLength === 5 && words[5] === 0xffff))) {
      return text + Array.from(bytes.subarray(12, 16)).join('.');
    }
    text += (words[i] as number).toString(16);
  }
  if (bestBase !== -1 && bestBase + bestLength === 8) text += ':';
  return text;
}

export function ipv4MappedIPv6(ipv4: Uint8Array): Uint8Array {
  const bytes = new Uint8Array(16);
  bytes[10] = 0xff;
  bytes[11] = 0xff;
  bytes.set(ipv4, 12);
  return bytes;
}

/**
 * The two ends of one packet as bytes of one family. A packet cannot mix families, so when one
 * side is IPv4 and the other IPv6 the IPv4 side becomes ::ffff:a.b.c.d, as a dual-stack socket
 * sees it. Text that is no address at all (never produced by the engine) stands in as the
 * unspecified address, so the stream's bytes still reach the capture.
 */
export function addressPair(a: string, b: string): [Uint8Array, Uint8Array] {
  const first = addressFromText(a);
  const second = addressFromText(b);
  if (first?.length === 4 && second?.length === 4) return [first, second];
  if (first?.length === 4 && !second) return [first, new Uint8Array(4)];
  if (second?.length === 4 && !first) return [new Uint8Array(4), second];
  const widen = (bytes: Uint8Array | undefined): Uint8Array =>
    !bytes ? new Uint8Array(16) : bytes.length === 4 ? ipv4MappedIPv6(bytes) : bytes;
  return [widen(first), widen(second)];
}

// ── Checksums ──────────────────────────────────────────────────────────────────────────────

/** The 16-bit big-endian word sum of bytes[start, end), odd tail padded with zero (RFC 1071). */
function wordSum(bytes: Uint8Array, start: number, end: number): number {
  let sum = 0;
  let i = start;
  for (; i + 1 < end; i += 2) sum += (bytes[i]! << 8) | bytes[i + 1]!;
  if (i < end) sum += bytes[i]! << 8;
  return sum;
}

function fold(sum: number): number {
  let folded = sum;
  while (folded > 0xffff) folded = (folded & 0xffff) + Math.floor(folded / 0x10000);
  return folded;
}

/** The Internet checksum of bytes[start, end) plus a running sum of other words (a pseudo-header). */
export function internetChecksum(bytes: Uint8Array, start = 0, end = bytes.length, extra = 0): number {
  return ~fold(wordSum(bytes, start, end) + extra) & 0xffff;
}

function pseudoHeaderSum(src: Uint8Array, dst: Uint8Array, protocol: number, length: number): number {
  return wordSum(src, 0, src.length) + wordSum(dst, 0, dst.length) + protocol + length;
}

// ── Building ───────────────────────────────────────────────────────────────────────────────

interface Ends {
  src: Uint8Array;
  dst: Uint8Array;
  srcPort: number;
  dstPort: number;
  payload: Uint8Array;
  /** IPv4 identification; ignored for IPv6. */
  identification?: number;
}

export interface TcpSegment extends Ends {
  seq: number;
  ack: number;
  flags: number;
  window: number;
}

export type UdpDatagram = Ends;

/** The packet with its IP header written and checksummed; returns where the transport header goes. */
function ipPacket(ends: Ends, protocol: number, transportLength: number): { packet: Uint8Array; at: number } {
  const v4 = ends.src.length === 4;
  const headerLength = v4 ? IPV4_HEADER : IPV6_HEADER;
  const packet = new Uint8Array(headerLength + transportLength);
  const view = new DataView(packet.buffer);
  if (v4) {
    view.setUint8(0, 0x45);
    view.setUint16(2, IPV4_HEADER + transportLength);
    view.setUint16(4, (ends.identification ?? 0) & 0xffff);
    view.setUint16(6, IPV4_DONT_FRAGMENT);
    view.setUint8(8, TTL);
    view.setUint8(9, protocol);
    packet.set(ends.src, 12);
    packet.set(ends.dst, 16);
    view.setUint16(10, internetChecksum(packet, 0, IPV4_HEADER));
  } else {
    view.setUint32(0, 0x6000_0000);
    view.setUint16(4, transportLength);
    view.setUint8(6, protocol);
    view.setUint8(7, TTL);
    packet.set(ends.src, 8);
    packet.set(ends.dst, 24);
  }
  return { packet, at: headerLength };
}

export function tcpPacket(segment: TcpSegment): Uint8Array {
  const length = TCP_HEADER + segment.payload.length;
  const { packet, at } = ipPacket(segment, PROTOCOL_TCP, length);
  const view = new DataView(packet.buffer);
  view.setUint16(at, segment.srcPort);
  view.setUint16(at + 2, segment.dstPort);
  view.setUint32(at + 4, segment.seq >>> 0);
  view.setUint32(at + 8, segment.ack >>> 0);
  view.setUint8(at + 12, (TCP_HEADER / 4) << 4);
  view.setUint8(at + 13, segment.flags);
  view.setUint16(at + 14, segment.window);
  packet.set(segment.payload, at + TCP_HEADER);
  const pseudo = pseudoHeaderSum(segment.src, segment.dst, PROTOCOL_TCP, length);
  view.setUint16(at + 16, internetChecksum(packet, at, packet.length, pseudo));
  return packet;
}

export function udpPacket(datagram: UdpDatagram): Uint8Array {
  const length = UDP_HEADER + datagram.payload.length;
  const { packet, at } = ipPacket(datagram, PROTOCOL_UDP, length);
  const view = new DataView(packet.buffer);
  view.setUint16(at, datagram.srcPort);
  view.setUint16(at + 2, datagram.dstPort);
  view.setUint16(at + 4, length);
  packet.set(datagram.payload, at + UDP_HEADER);
  const pseudo = pseudoHeaderSum(datagram.src, datagram.dst, PROTOCOL_UDP, length);
  // 0 means "no checksum" to a receiver, so a sum that comes out as 0 is sent as its other form.
  view.setUint16(at + 6, internetChecksum(packet, at, packet.length, pseudo) || 0xffff);
  return packet;
}

// ── Parsing ────────────────────────────────────────────────────────────────────────────────

interface ParsedEnds {
  srcPort: number;
  dstPort: number;
  payload: Uint8Array;
  /** IP header (IPv4) and transport checksums both hold; false for a capture with offloaded sums. */
  checksumOk: boolean;
}

export interface ParsedTcp extends ParsedEnds {
  protocol: 'tcp';
  seq: number;
  ack: number;
  flags: number;
  window: number;
}

export interface ParsedUdp extends ParsedEnds {
  protocol: 'udp';
}

export type ParsedPacket =
  | { ok: true; version: 4 | 6; src: Uint8Array; dst: Uint8Array; transport: ParsedTcp | ParsedUdp }
  | { ok: false; problem: Phrase; /** Not TCP or UDP: not part of a transcript, so not worth a note. */ otherProtocol?: true };

const unusable = (key: PhraseKey, params?: Record<string, string | number>): ParsedPacket => ({ ok: false, problem: phrase(key, params) });

/** One IP packet (no link-layer header) back to its addresses, ports, TCP fields and payload. */
export function parseIpPacket(bytes: Uint8Array): ParsedPacket {
  if (bytes.length < 1) return unusable('ip.empty');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = bytes[0]! >> 4;
  let src: Uint8Array;
  let dst: Uint8Array;
  let protocol: number;
  let start: number;
  let end: number;
  let ipOk = true;
  if (version === 4) {
    const headerLength = (bytes[0]! & 0x0f) * 4;
    if (headerLength < IPV4_HEADER || bytes.length < headerLength) return unusable('ip.v4HeaderShort');
    const total = view.getUint16(2);
    if (total < headerLength || total > bytes.length) return unusable('ip.v4Short');
    if ((view.getUint16(6) & 0x3fff) !== 0) return unusable('ip.fragment');
    protocol = bytes[9]!;
    src = bytes.slice(12, 16);
    dst = bytes.slice(16, 20);
    start = headerLength;
    end = total;
    ipOk = internetChecksum(bytes, 0, headerLength) === 0;
  } else if (version === 6) {
    if (bytes.length < IPV6_HEADER) return unusable('ip.v6HeaderShort');
    const payloadLength = view.getUint16(4);
    if (payloadLength === 0) return unusable('ip.v6Jumbo');
    if (IPV6_HEADER + payloadLength > bytes.length) return unusable('ip.v6Short');
    protocol = bytes[6]!;
    src = bytes.slice(8, 24);
    dst = bytes.slice(24, 40);
    start = IPV6_HEADER;
    end = IPV6_HEADER + payloadLength;
  } else {
    return unusable('ip.version', { version: String(version) });
  }
  if (protocol !== PROTOCOL_TCP && protocol !== PROTOCOL_UDP) {
    return {
      ok: false,
      problem: phrase(version === 6 ? 'ip.protocolV6' : 'ip.protocol', { protocol: String(protocol) }),
      otherProtocol: true,
    };
  }
  if (protocol === PROTOCOL_TCP) {
    if (end - start < TCP_HEADER) return unusable('ip.tcpHeaderShort');
    const dataOffset = (bytes[start + 12]! >> 4) * 4;
    if (dataOffset < TCP_HEADER || start + dataOffset > end) return unusable('ip.tcpHeaderLength');
    const pseudo = pseudoHeaderSum(src, dst, protocol, end - start);
    return {
      ok: true,
      version,
      src,
      dst,
      transport: {
        protocol: 'tcp',
        srcPort: view.getUint16(start),
        dstPort: view.getUint16(start + 2),
        seq: view.getUint32(start + 4),
        ack: view.getUint32(start + 8),
        flags: bytes[start + 13]! & 0x3f,
        window: view.getUint16(start + 14),
        payload: bytes.slice(start + dataOffset, end),
        checksumOk: ipOk && internetChecksum(bytes, start, end, pseudo) === 0,
      },
    };
  }
  if (end - start < UDP_HEADER) return unusable('ip.udpHeaderShort');
  const udpLength = view.getUint16(start + 4);
  if (udpLength < UDP_HEADER || start + udpLength > end) return unusable('ip.udpLength');
  const udpEnd = start + udpLength;
  const sent = view.getUint16(start + 6);
  const pseudo = pseudoHeaderSum(src, dst, protocol, udpLength);
  return {
    ok: true,
    version,
    src,
    dst,
    transport: {
      protocol: 'udp',
      srcPort: view.getUint16(start),
      dstPort: view.getUint16(start + 2),
      payload: bytes.slice(start + UDP_HEADER, udpEnd),
      checksumOk: ipOk && ((sent === 0 && version === 4) || internetChecksum(bytes, start, udpEnd, pseudo) === 0),
    },
  };
}
