import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Endpoint } from '@shared/address';
import type { CloseReason, SessionKind } from '@shared/contract';
import { english } from '@shared/phrase';
import { TCP_ACK, TCP_FIN, TCP_PSH, TCP_RST, TCP_SYN, parseIpPacket, type ParsedTcp, type ParsedUdp } from '@shared/transcript/ip-packets';
import { PcapngWriter } from '@shared/transcript/pcapng-writer';
import { decodeRecordLine, encodeRecordLine } from '@shared/transcript/record-line';
import type { BodyRecord, ConnectionSnapshot, HeaderRecord } from '@shared/transcript/records';
import { header } from '../../support/transcript-fixtures';

const T0 = 1_700_000_000_000;
const SESSION = 's1';

const endpoint = (address: string, port: number): Endpoint => ({ address, port, family: address.includes(':') ? 'IPv6' : 'IPv4' });

function headerOf(kind: SessionKind, connections: ConnectionSnapshot[] = []): HeaderRecord {
  const at = { at: T0, started: new Date(T0).toISOString(), session: SESSION, app: { name: 'Socket Inspector', version: '0.1.0' } };
  return header(kind, { ...at, config: { kind, host: '127.0.0.1', port: 9000 }, local: endpoint('127.0.0.1', 9000), connections });
}

// ── An independent little pcapng walker (little-endian, as the writer writes) ───────────────

interface Block {
  type: number;
  body: Uint8Array;
}

function blocksOf(bytes: Uint8Array): Block[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const blocks: Block[] = [];
  for (let offset = 0; offset < bytes.length;) {
    const total = view.getUint32(offset + 4, true);
    expect(total % 4).toBe(0);
    expect(view.getUint32(offset + total - 4, true)).toBe(total);
    blocks.push({ type: view.getUint32(offset, true), body: bytes.subarray(offset + 8, offset + total - 4) });
    offset += total;
  }
  return blocks;
}

function optionsOf(body: Uint8Array, start: number): Map<number, Uint8Array[]> {
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  const options = new Map<number, Uint8Array[]>();
  for (let offset = start; ;) {
    const code = view.getUint16(offset, true);
    const length = view.getUint16(offset + 2, true);
    if (code === 0) {
      expect(offset + 4).toBe(body.length);
      return options;
    }
    options.set(code, [...(options.get(code) ?? []), body.slice(offset + 4, offset + 4 + length)]);
    offset += 4 + ((length + 3) & ~3);
  }
}

const text = (bytes: Uint8Array | undefined): string | undefined => (bytes ? Buffer.from(bytes).toString('utf8') : undefined);

interface Packet {
  micros: bigint;
  outbound: boolean;
  comment: string | undefined;
  src: string;
  dst: string;
  tcp: ParsedTcp;
  udp: ParsedUdp;
}

/** The Enhanced Packet Blocks, parsed; every checksum must hold. */
function packetsOf(bytes: Uint8Array): Packet[] {
  return blocksOf(bytes)
    .filter((block) => block.type === 6)
    .map((block) => {
      const view = new DataView(block.body.buffer, block.body.byteOffset, block.body.byteLength);
      expect(view.getUint32(0, true)).toBe(0);
      const captured = view.getUint32(12, true);
      expect(view.getUint32(16, true)).toBe(captured);
      const options = optionsOf(block.body, 20 + ((captured + 3) & ~3));
      const flags = options.get(2)?.[0] as Uint8Array;
      const parsed = parseIpPacket(block.body.subarray(20, 20 + captured));
      if (!parsed.ok) throw new Error(english(parsed.problem));
      expect(parsed.transport.checksumOk).toBe(true);
      const address = (bytes: Uint8Array): string => (bytes.length === 4 ? bytes.join('.') : Buffer.from(bytes).toString('hex'));
      return {
        micros: (BigInt(view.getUint32(4, true)) << 32n) | BigInt(view.getUint32(8, true)),
        outbound: new DataView(flags.buffer).getUint32(0, true) === 2,
        comment: text(options.get(1)?.[0]),
        src: `${address(parsed.src)}:${parsed.transport.srcPort}`,
        dst: `${address(parsed.dst)}:${parsed.transport.dstPort}`,
        tcp: parsed.transport as ParsedTcp,
        udp: parsed.transport as ParsedUdp,
      };
    });
}

const FLAG_NAMES: [number, string][] = [
  [TCP_SYN, 'S'],
  [TCP_FIN, 'F'],
  [TCP_RST, 'R'],
  [TCP_PSH, 'P'],
  [TCP_ACK, '.'],
];
const flagText = (flags: number): string =>
  FLAG_NAMES.filter(([bit]) => flags & bit)
    .map(([, name]) => name)
    .join('');

/** Each packet as "who flags length": the shape of a conversation at a glance. */
const shape = (packets: Packet[]): string[] =>
  packets.map(
    (p) => `${p.outbound ? 'local' : 'remote'} ${flagText(p.tcp.flags)}${p.tcp.payload.length ? ` ${p.tcp.payload.length}` : ''}`,
  );

// ── Records ────────────────────────────────────────────────────────────────────────────────

const LOCAL = endpoint('127.0.0.1', 9000);
const REMOTE = endpoint('127.0.0.1', 41000);
let seq = 0;
const base = (at = T0 + 1) => ({ seq: ++seq, at, session: SESSION });
const open = (conn = 'c1', local = LOCAL, remote = REMOTE): BodyRecord => ({ ...base(), type: 'open', conn, local, remote });
const data = (dir: 'rx' | 'tx', bytes: Uint8Array, conn = 'c1', local = LOCAL, remote = REMOTE): BodyRecord => ({
  ...base(),
  type: 'data',
  dir,
  conn,
  local,
  remote,
  bytes,
});
const datagram = (dir: 'rx' | 'tx', bytes: Uint8Array, local = LOCAL, remote = REMOTE): BodyRecord => ({
  ...base(),
  type: 'data',
  dir,
  local,
  remote,
  bytes,
});
const halfClose = (by: 'peer' | 'local', conn = 'c1'): BodyRecord => ({ ...base(), type: 'half-close', conn, by });
const close = (reason: CloseReason, conn = 'c1'): BodyRecord => ({
  ...base(),
  type: 'close',
  conn,
  reason,
  counters: { rxBytes: 0, txBytes: 0, rxMessages: 0, txMessages: 0 },
});
const filled = (length: number, seed = 1): Uint8Array => Uint8Array.from({ length }, (_, i) => (i * 31 + seed) & 0xff);

function writeAll(header: HeaderRecord, records: BodyRecord[]): { start: Uint8Array; packets: Packet[] } {
  const writer = new PcapngWriter(header);
  const start = writer.start();
  const body = Buffer.concat(records.map((r) => writer.write(r)));
  return { start, packets: packetsOf(new Uint8Array(body.buffer, body.byteOffset, body.length)) };
}

describe('PcapngWriter.start', () => {
  it('writes a little-endian section header holding the app and the header record, then a raw-IP interface', () => {
    const header = headerOf('tcp-server');
    const [section, iface, ...rest] = blocksOf(new PcapngWriter(header, { name: 'Socket Inspector', version: '9.9.9' }).start());
    expect(rest).toEqual([]);
    const shb = new DataView(section!.body.buffer, section!.body.byteOffset);
    expect(section!.type).toBe(0x0a0d0d0a);
    expect([shb.getUint32(0, true), shb.getUint16(4, true), shb.getUint16(6, true)]).toEqual([0x1a2b3c4d, 1, 0]);
    const options = optionsOf(section!.body, 16);
    expect(text(options.get(4)?.[0])).toBe('Socket Inspector 9.9.9');
    const comment = text(options.get(1)?.[0]) as string;
    const line = encodeRecordLine(header);
    expect(comment).toBe(`socket-inspector ${Buffer.from(line.subarray(0, -1)).toString('utf8')}`);
    expect(decodeRecordLine(new TextEncoder().encode(comment.slice('socket-inspector '.length)))).toEqual({ ok: true, record: header });

    expect(iface!.type).toBe(1);
    const idb = new DataView(iface!.body.buffer, iface!.body.byteOffset);
    expect([idb.getUint16(0, true), idb.getUint32(4, true)]).toEqual([101, 262_144]);
    expect(optionsOf(iface!.body, 8).get(9)).toEqual([Uint8Array.of(6)]);
  });

  it('names the app of the header when given none', () => {
    const [section] = blocksOf(new PcapngWriter(headerOf('udp')).start());
    expect(text(optionsOf(section!.body, 16).get(4)?.[0])).toBe('Socket Inspector 0.1.0');
  });

  it('opens the connections already open when recording began, at the time they opened', () => {
    const snapshot = { conn: 'c7', local: LOCAL, remote: REMOTE, since: T0 - 5000.5 };
    const packets = packetsOf(new PcapngWriter(headerOf('tcp-server', [snapshot])).start());
    expect(shape(packets)).toEqual(['remote S', 'local S.', 'remote .']);
    expect(packets[0]!.comment).toBe('conn=c7');
    expect(packets[0]!.micros).toBe(BigInt((T0 - 5000.5) * 1000));
  });
});

describe('PcapngWriter.write: TCP', () => {
  it('opens with SYN from the client: the peer for a listener, our end for a client', () => {
    const server = writeAll(headerOf('tcp-server'), [open()]).packets;
    expect(shape(server)).toEqual(['remote S', 'local S.', 'remote .']);
    expect(server[0]).toMatchObject({ src: '127.0.0.1:41000', dst: '127.0.0.1:9000', comment: 'conn=c1' });
    expect(server[1]!.tcp.ack).toBe((server[0]!.tcp.seq + 1) >>> 0);
    expect(server[2]!.tcp).toMatchObject({ seq: (server[0]!.tcp.seq + 1) >>> 0, ack: (server[1]!.tcp.seq + 1) >>> 0 });

    const client = writeAll(headerOf('tcp-client'), [open()]).packets;
    expect(shape(client)).toEqual(['local S', 'remote S.', 'local .']);
    expect(client[0]).toMatchObject({ src: '127.0.0.1:9000', dst: '127.0.0.1:41000' });
  });

  it('stamps packets with the record time in microseconds', () => {
    const record = { ...open(), at: 1_700_000_000_123.456 };
    expect(writeAll(headerOf('tcp-server'), [record]).packets.map((p) => p.micros)).toEqual(Array(3).fill(1_700_000_000_123_456n));
  });

  it.each([
    ['IPv4', '127.0.0.1', 65_495],
    ['IPv6', '::1', 65_515],
  ])(
    'splits a large %s record into full segments, PSH on the last, the peer acknowledging before its window fills',
    (_family, address, most) => {
      const local = endpoint(address, 9000);
      const remote = endpoint(address, 41000);
      const bytes = filled(150_000);
      const { packets } = writeAll(headerOf('tcp-server'), [
        open('c1', local, remote),
        data('rx', Uint8Array.of(1, 2, 3), 'c1', local, remote),
        data('tx', bytes, 'c1', local, remote),
      ]);
      const segments = packets.slice(3);
      expect(shape(segments)).toEqual([
        'remote P. 3',
        `local . ${most}`,
        'remote .',
        `local . ${most}`,
        'remote .',
        `local P. ${150_000 - 2 * most}`,
      ]);
      const sent = segments.filter((p) => p.outbound);
      expect(Buffer.concat(sent.map((p) => p.tcp.payload)).equals(bytes)).toBe(true);
      sent.forEach((p, i) => i > 0 && expect(p.tcp.seq).toBe((sent[i - 1]!.tcp.seq + most) >>> 0));
      expect(sent.every((p) => p.tcp.ack === (segments[0]!.tcp.seq + 3) >>> 0 && p.tcp.window === 65_535)).toBe(true);
      expect(segments[2]!.tcp.ack).toBe((sent[0]!.tcp.seq + most) >>> 0);
    },
  );

  it('closes one direction with FIN and its ACK', () => {
    const { packets } = writeAll(headerOf('tcp-server'), [
      open(),
      halfClose('peer'),
      data('tx', filled(10)),
      halfClose('local'),
      close('peer-closed'),
    ]);
    expect(shape(packets.slice(3))).toEqual(['remote F.', 'local .', 'local P. 10', 'local F.', 'remote .']);
    const [fin, finAck] = packets.slice(3);
    expect(finAck!.tcp.ack).toBe((fin!.tcp.seq + 1) >>> 0);
  });

  it.each<[CloseReason, string[], string]>([
    ['peer-closed', ['remote F.', 'local F.', 'remote .'], 'close=peer-closed'],
    ['local-closed', ['local F.', 'remote F.', 'local .'], 'close=local-closed'],
    ['session-closed', ['local F.', 'remote F.', 'local .'], 'close=session-closed'],
    ['error', ['local F.', 'remote F.', 'local .'], 'close=error'],
    ['peer-reset', ['remote R.'], 'close=peer-reset'],
    ['local-reset', ['local R.'], 'close=local-reset'],
  ])('closes for %s with %j, the reason in a comment', (reason, expected, comment) => {
    const { packets } = writeAll(headerOf('tcp-client'), [open(), close(reason)]);
    expect(shape(packets.slice(3))).toEqual(expected);
    expect(packets.slice(3).map((p) => p.comment)).toEqual([comment, ...expected.slice(1).map(() => undefined)]);
  });

  it('sends only the missing FIN after a half-close, and nothing when both ends had closed', () => {
    expect(shape(writeAll(headerOf('tcp-client'), [open(), halfClose('local'), close('peer-closed')]).packets.slice(3))).toEqual([
      'local F.',
      'remote .',
      'remote F.',
      'local .',
    ]);
    expect(
      shape(writeAll(headerOf('tcp-client'), [open(), halfClose('local'), halfClose('peer'), close('peer-closed')]).packets.slice(3)),
    ).toEqual(['local F.', 'remote .', 'remote F.', 'local .']);
  });

  it('opens a connection it never saw open at its first data, from the record’s ends', () => {
    const { packets } = writeAll(headerOf('tcp-server'), [data('rx', filled(4), 'c9', LOCAL, endpoint('127.0.0.1', 50000))]);
    expect(shape(packets)).toEqual(['remote S', 'local S.', 'remote .', 'remote P. 4']);
    expect(packets[0]).toMatchObject({ src: '127.0.0.1:50000', comment: 'conn=c9' });
  });

  it('makes no packets for states, errors, the end, or closes of connections it does not know', () => {
    const writer = new PcapngWriter(headerOf('tcp-server'));
    writer.start();
    const quiet: BodyRecord[] = [
      { ...base(), type: 'state', state: 'open', local: LOCAL },
      { ...base(), type: 'error', error: { code: 'X', message: 'm', hint: 'h' } },
      halfClose('peer', 'nope'),
      close('peer-reset', 'nope'),
      data('tx', new Uint8Array(0)),
      { ...base(), type: 'end', reason: 'stopped' },
    ];
    for (const record of quiet) expect(writer.write(record)).toEqual(new Uint8Array(0));
  });

  it('puts a mixed pair in IPv6, the IPv4 end as ::ffff:a.b.c.d', () => {
    const { packets } = writeAll(headerOf('tcp-server'), [open('c1', endpoint('::', 9000), endpoint('127.0.0.1', 41000))]);
    expect(packets[0]!.src).toBe(`${'0'.repeat(20)}ffff7f000001:41000`);
  });

  it('never throws, whatever the records', () => {
    const ends = fc.constantFrom(LOCAL, REMOTE, endpoint('::1', 1), endpoint('not an address', 2), endpoint('fe80::1%lo', 3));
    const conn = fc.constantFrom('c1', 'c2', 'x');
    const record: fc.Arbitrary<BodyRecord> = fc
      .oneof(
        fc.record({ type: fc.constant('open' as const), conn, local: ends, remote: ends }),
        fc.record({
          type: fc.constant('data' as const),
          dir: fc.constantFrom('rx' as const, 'tx' as const),
          conn: fc.option(conn, { nil: undefined }),
          local: ends,
          remote: ends,
          bytes: fc.uint8Array({ maxLength: 70 }),
        }),
        fc.record({ type: fc.constant('half-close' as const), conn, by: fc.constantFrom('peer' as const, 'local' as const) }),
        fc.record({
          type: fc.constant('close' as const),
          conn,
          reason: fc.constantFrom<CloseReason>('peer-closed', 'peer-reset', 'local-closed', 'local-reset', 'error', 'session-closed'),
          counters: fc.constant({ rxBytes: 0, txBytes: 0, rxMessages: 0, txMessages: 0 }),
        }),
      )
      .map((r) => ({ ...r, ...base(T0 + 2) }) as BodyRecord);
    fc.assert(
      fc.property(fc.constantFrom<SessionKind>('tcp-server', 'tcp-client', 'udp'), fc.array(record, { maxLength: 30 }), (kind, records) => {
        const { packets } = writeAll(headerOf(kind), records);
        expect(packets.every((p) => p.tcp.checksumOk)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});

describe('PcapngWriter.write: UDP', () => {
  it('writes one datagram per record, received from the peer or sent to it, empty and largest included', () => {
    const v6Local = endpoint('::1', 7000);
    const v6Remote = endpoint('::1', 7001);
    const { packets } = writeAll(headerOf('udp'), [
      datagram('rx', filled(5)),
      datagram('tx', new Uint8Array(0)),
      datagram('tx', filled(65_507)),
      datagram('rx', filled(65_527), v6Local, v6Remote),
    ]);
    expect(packets.map((p) => [p.outbound, p.src, p.dst, p.udp.payload.length])).toEqual([
      [false, '127.0.0.1:41000', '127.0.0.1:9000', 5],
      [true, '127.0.0.1:9000', '127.0.0.1:41000', 0],
      [true, '127.0.0.1:9000', '127.0.0.1:41000', 65_507],
      [false, `${'0'.repeat(31)}1:7001`, `${'0'.repeat(31)}1:7000`, 65_527],
    ]);
    expect(packets.every((p) => p.udp.checksumOk && p.comment === undefined)).toBe(true);
  });

  it('numbers IPv4 packets one after another', () => {
    const writer = new PcapngWriter(headerOf('udp'));
    writer.start();
    const ids = [0, 1, 2].map(() => {
      const [block] = blocksOf(writer.write(datagram('tx', filled(1))));
      return new DataView(block!.body.buffer, block!.body.byteOffset + 20).getUint16(4);
    });
    expect([ids[1]! - ids[0]!, ids[2]! - ids[1]!]).toEqual([1, 1]);
  });

  it('keeps what fits of a datagram too large for one packet and says so', () => {
    const { packets } = writeAll(headerOf('udp'), [datagram('tx', filled(70_000))]);
    expect(packets[0]!.udp.payload.length).toBe(65_507);
    expect(packets[0]!.comment).toBe('truncated: the datagram held 70000 bytes, one IP packet carries at most 65507');
  });
});
