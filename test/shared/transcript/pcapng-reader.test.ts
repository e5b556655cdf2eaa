import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Endpoint } from '@shared/address';
import type { CloseReason, Counters, SessionKind } from '@shared/contract';
import {
  TCP_ACK,
  TCP_FIN,
  TCP_PSH,
  TCP_SYN,
  addressFromText,
  maxPayload,
  parseIpPacket,
  tcpPacket,
  udpPacket,
} from '@shared/transcript/ip-packets';
import { isPcapng, readPcapng, type PcapngRead } from '@shared/transcript/pcapng-reader';
import { PcapngWriter } from '@shared/transcript/pcapng-writer';
import type { BodyRecord, ConnectionSnapshot, HeaderRecord } from '@shared/transcript/records';
import { header, pseudoRandomBytes } from '../../support/transcript-fixtures';

const T0 = 1_700_000_000_000;
const SESSION = 's1';

const endpoint = (address: string, port: number): Endpoint => ({ address, port, family: address.includes(':') ? 'IPv6' : 'IPv4' });

function headerOf(kind: SessionKind, local: Endpoint, connections: ConnectionSnapshot[] = []): HeaderRecord {
  const at = { at: T0, started: new Date(T0).toISOString(), session: SESSION, app: { name: 'Socket Inspector', version: '0.1.0' } };
  return header(kind, { ...at, config: { kind, port: local.port, record: true }, local: local, connections });
}

function pcapng(header: HeaderRecord, records: BodyRecord[]): Uint8Array {
  const writer = new PcapngWriter(header);
  const file = Buffer.concat([writer.start(), ...records.map((r) => writer.write(r))]);
  return new Uint8Array(file.buffer, file.byteOffset, file.length);
}

const digest = (bytes: Uint8Array): string => `${bytes.length}:${createHash('sha1').update(bytes).digest('hex')}`;

/** Records compared whole, bytes by digest (deep-comparing megabytes is slow), times to the microsecond. */
function comparable(records: BodyRecord[]): unknown[] {
  return records.map((record) => {
    const at = Math.round(record.at * 1000);
    return record.type === 'data' ? { ...record, at, bytes: digest(record.bytes) } : { ...record, at };
  });
}

const ok = (read: PcapngRead): PcapngRead => {
  expect(read.problem).toBeUndefined();
  return read;
};

// ── Round trips ────────────────────────────────────────────────────────────────────────────

type Step =
  | { conn: number; op: 'data'; dir: 'rx' | 'tx'; size: number; seed: number }
  | { conn: number; op: 'half-close'; by: 'peer' | 'local' }
  | { conn: number; op: 'close'; reason: CloseReason };

const size = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: 1, max: 300 }) },
  { weight: 1, arbitrary: fc.integer({ min: 65_000, max: 140_000 }) },
);
const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      conn: fc.nat(3),
      op: fc.constant('data' as const),
      dir: fc.constantFrom('rx' as const, 'tx' as const),
      size,
      seed: fc.integer(),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      conn: fc.nat(3),
      op: fc.constant('half-close' as const),
      by: fc.constantFrom('peer' as const, 'local' as const),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      conn: fc.nat(3),
      op: fc.constant('close' as const),
      reason: fc.constantFrom<CloseReason>('peer-closed', 'peer-reset', 'local-closed', 'local-reset', 'error', 'session-closed'),
    }),
  },
);

interface Conversation {
  header: HeaderRecord;
  records: BodyRecord[];
}

/**
 * Records as the engine would make them: each connection opens before it is used (or is listed
 * in the header), a side sends nothing after its FIN, and the close comes with the second FIN.
 */
/** IPv4, IPv6, and IPv4-mapped IPv6 as a dual-stack socket reports it. */
const ADDRESSES = {
  v4: { local: '127.0.0.1', remote: (i: number) => `10.0.0.${i}` },
  v6: { local: '::1', remote: (i: number) => `2001:db8::${i}` },
  mapped: { local: '::ffff:127.0.0.1', remote: (i: number) => `::ffff:10.0.0.${i}` },
};

function conversation(
  kind: 'tcp-server' | 'tcp-client',
  family: keyof typeof ADDRESSES,
  snapshots: number,
  steps: Step[],
  fraction: number,
): Conversation {
  const addresses = ADDRESSES[family];
  const local = endpoint(addresses.local, 9000);
  const conns = [0, 1, 2, 3].map((i) => ({
    id: i === 2 ? `conn-${i}` : `c${i + 1}`,
    local: kind === 'tcp-server' ? local : endpoint(local.address, 50_000 + i),
    remote: endpoint(addresses.remote(i + 1), 41_000 + i),
    opened: i < snapshots,
    localFin: false,
    remoteFin: false,
    firstFin: '' as 'peer' | 'local' | '',
    closed: false,
    counters: { rxBytes: 0, txBytes: 0, rxMessages: 0, txMessages: 0 } as Counters,
  }));
  const header = headerOf(
    kind,
    local,
    conns.slice(0, snapshots).map((c) => ({ conn: c.id, local: c.local, remote: c.remote, since: T0 - 1000 })),
  );
  const records: BodyRecord[] = [];
  const base = () => ({ seq: records.length + 1, at: T0 + records.length * 1.5 + fraction, session: SESSION });
  for (const s of steps) {
    const c = conns[s.conn]!;
    if (c.closed) continue;
    if (!c.opened) {
      records.push({ ...base(), type: 'open', conn: c.id, local: c.local, remote: c.remote });
      c.opened = true;
    }
    if (s.op === 'data') {
      if (s.dir === 'rx' ? c.remoteFin : c.localFin) continue;
      records.push({
        ...base(),
        type: 'data',
        dir: s.dir,
        conn: c.id,
        local: c.local,
        remote: c.remote,
        bytes: pseudoRandomBytes(s.size, s.seed),
      });
      c.counters[s.dir === 'rx' ? 'rxBytes' : 'txBytes'] += s.size;
      c.counters[s.dir === 'rx' ? 'rxMessages' : 'txMessages']++;
    } else if (s.op === 'half-close') {
      if (s.by === 'peer' ? c.remoteFin : c.localFin) continue;
      records.push({ ...base(), type: 'half-close', conn: c.id, by: s.by });
      if (s.by === 'peer') c.remoteFin = true;
      else c.localFin = true;
      c.firstFin ||= s.by;
      if (c.localFin && c.remoteFin) {
        // A close after both FINs makes no packet of its own, so it reads back at the second FIN.
        records.push({
          ...base(),
          at: records[records.length - 1]!.at,
          type: 'close',
          conn: c.id,
          reason: c.firstFin === 'peer' ? 'peer-closed' : 'local-closed',
          counters: { ...c.counters },
        });
        c.closed = true;
      }
    } else {
      records.push({ ...base(), type: 'close', conn: c.id, reason: s.reason, counters: { ...c.counters } });
      c.closed = true;
    }
  }
  return { header, records };
}

describe('readPcapng: what the writer wrote', () => {
  it('gives back every TCP record: opens, data byte-exact in both directions, half-closes, closes and resets', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('tcp-server' as const, 'tcp-client' as const),
        fc.constantFrom('v4' as const, 'v6' as const, 'mapped' as const),
        fc.nat(2),
        fc.array(step, { maxLength: 30 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (kind, family, snapshots, steps, fraction) => {
          const { header, records } = conversation(
            kind,
            family,
            kind === 'tcp-server' ? snapshots : Math.min(snapshots, 1),
            steps,
            fraction,
          );
          const read = ok(readPcapng(pcapng(header, records)));
          expect(read.header).toEqual(header);
          expect(comparable(read.records)).toEqual(comparable(records));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('gives back every UDP datagram, empty and largest included, over IPv4 and IPv6', () => {
    const datagram = (v6: boolean) =>
      fc.record({
        dir: fc.constantFrom('rx' as const, 'tx' as const),
        peer: fc.nat(2),
        size: fc.oneof(fc.constant(0), fc.constant(maxPayload('udp', v6 ? 16 : 4)), fc.integer({ min: 1, max: 2000 })),
        seed: fc.integer(),
      });
    fc.assert(
      fc.property(
        fc.boolean().chain((v6) => fc.tuple(fc.constant(v6), fc.array(datagram(v6), { maxLength: 30 }))),
        ([v6, datagrams]) => {
          const local = endpoint(v6 ? '::1' : '127.0.0.1', 7000);
          const header = headerOf('udp', local);
          const records: BodyRecord[] = datagrams.map((d, i) => ({
            seq: i + 1,
            at: T0 + i * 0.25,
            session: SESSION,
            type: 'data',
            dir: d.dir,
            local,
            remote: endpoint(v6 ? `fe80::${d.peer + 1}` : `192.168.1.${d.peer + 1}`, 8000 + d.peer),
            bytes: pseudoRandomBytes(d.size, d.seed),
          }));
          const read = ok(readPcapng(pcapng(header, records)));
          expect(read.header).toEqual(header);
          expect(comparable(read.records)).toEqual(comparable(records));
        },
      ),
      { numRuns: 30 },
    );
  });

  it('opens a connection that was recorded mid-way at its first data', () => {
    const local = endpoint('127.0.0.1', 9000);
    const remote = endpoint('127.0.0.1', 45000);
    const header = headerOf('tcp-server', local);
    const bytes = pseudoRandomBytes(10, 1);
    const read = ok(
      readPcapng(pcapng(header, [{ seq: 1, at: T0 + 5, session: SESSION, type: 'data', dir: 'rx', conn: 'c4', local, remote, bytes }])),
    );
    expect(read.records).toEqual([
      { seq: 1, at: T0 + 5, session: SESSION, type: 'open', conn: 'c4', local, remote },
      { seq: 2, at: T0 + 5, session: SESSION, type: 'data', dir: 'rx', conn: 'c4', local, remote, bytes },
    ]);
  });
});

// ── Cut and damaged files ──────────────────────────────────────────────────────────────────

function blockStarts(bytes: Uint8Array): number[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const starts: number[] = [];
  for (let offset = 0; offset < bytes.length; offset += view.getUint32(offset + 4, true)) starts.push(offset);
  return starts;
}

function sample(): Uint8Array {
  const local = endpoint('127.0.0.1', 9000);
  const remote = endpoint('127.0.0.1', 45000);
  const at = (n: number) => ({ seq: n, at: T0 + n, session: SESSION });
  const send = (n: number, dir: 'rx' | 'tx', length: number): BodyRecord => ({
    ...at(n),
    type: 'data',
    dir,
    conn: 'c1',
    local,
    remote,
    bytes: pseudoRandomBytes(length, n),
  });
  return pcapng(headerOf('tcp-server', local), [
    { ...at(1), type: 'open', conn: 'c1', local, remote },
    send(2, 'rx', 100_000),
    send(3, 'tx', 5),
    { ...at(4), type: 'half-close', conn: 'c1', by: 'peer' },
    send(5, 'tx', 3),
    {
      ...at(6),
      type: 'close',
      conn: 'c1',
      reason: 'local-closed',
      counters: { rxBytes: 100_000, txBytes: 8, rxMessages: 1, txMessages: 2 },
    },
  ]);
}

describe('readPcapng: a cut file', () => {
  it('reads every whole block and says where the file was cut, at every byte of the last blocks', () => {
    const file = sample();
    const full = ok(readPcapng(file));
    expect(full.records.map((r) => r.type)).toEqual(['open', 'data', 'data', 'half-close', 'data', 'close']);
    const starts = blockStarts(file);
    const boundaries = [...starts, file.length];
    for (let b = starts.length - 6; b < starts.length; b++) {
      const start = boundaries[b]!;
      const before = ok(readPcapng(file.subarray(0, start)));
      expect(comparable(before.records)).toEqual(comparable(full.records.slice(0, before.records.length)));
      for (let cut = start + 1; cut < boundaries[b + 1]!; cut++) {
        const read = readPcapng(file.subarray(0, cut));
        expect(read.problem?.offset).toBe(start);
        expect(read.problem?.message).toContain(`cut short at byte ${cut}`);
        expect(comparable(read.records)).toEqual(comparable(before.records));
      }
    }
  });

  it('says a cut inside the first blocks too, with no records', () => {
    const file = sample();
    const read = readPcapng(file.subarray(0, 30));
    expect(read.problem).toMatchObject({ offset: 0 });
    expect(read.records).toEqual([]);
  });

  it('never throws, on random bytes or on a damaged good file', () => {
    const good = sample().subarray(0, 2000);
    const small = pcapng(headerOf('udp', endpoint('::1', 1)), [
      {
        seq: 1,
        at: T0,
        session: SESSION,
        type: 'data',
        dir: 'rx',
        local: endpoint('::1', 1),
        remote: endpoint('::1', 2),
        bytes: pseudoRandomBytes(20, 2),
      },
    ]);
    const damaged = (file: Uint8Array) =>
      fc
        .tuple(fc.array(fc.tuple(fc.nat(file.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }), fc.nat(file.length))
        .map(([changes, length]) => {
          const copy = file.slice(0, length);
          for (const [at, value] of changes) if (at < copy.length) copy[at] = value;
          return copy;
        });
    const afterMagic = fc.uint8Array({ maxLength: 300 }).map((rest) => Uint8Array.from([0x0a, 0x0d, 0x0d, 0x0a, ...rest]));
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 300 }), afterMagic, damaged(good), damaged(small)), (bytes) => {
        const read = readPcapng(bytes);
        expect(read.header.type).toBe('header');
        read.records.forEach((record, i) => expect(record.seq).toBe(i + 1));
      }),
      { numRuns: 1500 },
    );
  });

  it('still reads the packets when the header in the comment is damaged, and says so', () => {
    const file = sample();
    const at = Buffer.from(file).indexOf('"kind":"tcp-server"');
    file[at + 8] = 0x54; // tcp-server → Tcp-server: the CRC no longer matches
    const read = readPcapng(file);
    expect(read.problem?.message).toMatch(/header in the file's comment is damaged \(checksum mismatch/);
    expect(read.header).toMatchObject({ session: 'pcapng', kind: 'tcp-client' });
    expect(read.records.filter((r) => r.type === 'data')).toHaveLength(3);
  });
});

// ── Captures this app did not write ────────────────────────────────────────────────────────

interface BlockSpec {
  type: number;
  fixed: number[];
  options?: [number, Uint8Array][];
}

/** A pcapng file in either byte order, from blocks given as 32-bit words and options. */
function capture(littleEndian: boolean, blocks: BlockSpec[]): Uint8Array {
  const out: number[] = [];
  for (const block of blocks) {
    const body: number[] = [...block.fixed];
    for (const [code, value] of block.options ?? []) {
      const head = new DataView(new ArrayBuffer(4));
      head.setUint16(0, code, littleEndian);
      head.setUint16(2, value.length, littleEndian);
      body.push(...new Uint8Array(head.buffer), ...value, ...new Array((4 - (value.length % 4)) % 4).fill(0));
    }
    if (block.options) body.push(0, 0, 0, 0);
    const total = 12 + body.length;
    const frame = new DataView(new ArrayBuffer(total));
    frame.setUint32(0, block.type, littleEndian);
    frame.setUint32(4, total, littleEndian);
    new Uint8Array(frame.buffer).set(body, 8);
    frame.setUint32(total - 4, total, littleEndian);
    out.push(...new Uint8Array(frame.buffer));
  }
  return Uint8Array.from(out);
}

const u32 = (value: number, littleEndian: boolean): number[] => {
  const view = new DataView(new ArrayBuffer(4));
  view.setUint32(0, value, littleEndian);
  return [...new Uint8Array(view.buffer)];
};
const u16pair = (a: number, b: number, littleEndian: boolean): number[] => {
  const view = new DataView(new ArrayBuffer(4));
  view.setUint16(0, a, littleEndian);
  view.setUint16(2, b, littleEndian);
  return [...new Uint8Array(view.buffer)];
};
const padTo4 = (bytes: Uint8Array): number[] => [...bytes, ...new Array((4 - (bytes.length % 4)) % 4).fill(0)];

const shb = (le: boolean, options?: [number, Uint8Array][]): BlockSpec => ({
  type: 0x0a0d0d0a,
  fixed: [...u32(0x1a2b3c4d, le), ...u16pair(1, 0, le), 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
  options,
});
const idb = (le: boolean, linkType: number, options?: [number, Uint8Array][]): BlockSpec => ({
  type: 1,
  fixed: [...u16pair(linkType, 0, le), ...u32(0, le)],
  options,
});
const epb = (le: boolean, units: number, frame: Uint8Array): BlockSpec => ({
  type: 6,
  fixed: [
    ...u32(0, le),
    ...u32(Math.floor(units / 2 ** 32), le),
    ...u32(units >>> 0, le),
    ...u32(frame.length, le),
    ...u32(frame.length, le),
    ...padTo4(frame),
  ],
});

const ip = (text: string) => addressFromText(text) as Uint8Array;
const ascii = (text: string) => new Uint8Array(Buffer.from(text, 'latin1'));
const ethernet = (packet: Uint8Array, etherType = packet[0]! >> 4 === 4 ? 0x0800 : 0x86dd, vlan = false) =>
  Uint8Array.from([...new Array(12).fill(2), ...(vlan ? [0x81, 0x00, 0x00, 0x07] : []), etherType >> 8, etherType & 0xff, ...packet]);

describe('readPcapng: other captures, best effort', () => {
  it('reads a big-endian raw-IP UDP capture without comments, the first sender as our end', () => {
    const le = false;
    const a = { src: ip('10.1.1.1'), dst: ip('10.1.1.2'), srcPort: 5353, dstPort: 6000 };
    const b = { src: a.dst, dst: a.src, srcPort: a.dstPort, dstPort: a.srcPort };
    const file = capture(le, [
      shb(le, [[4, ascii('some capture tool')]]),
      idb(le, 101),
      epb(le, 1_000_000, udpPacket({ ...a, payload: ascii('ping') })),
      epb(le, 2_500_000, udpPacket({ ...b, payload: ascii('pong') })),
    ]);
    expect(isPcapng(file)).toBe(true);
    const read = ok(readPcapng(file));
    expect(read.header).toMatchObject({
      session: 'pcapng',
      kind: 'udp',
      at: 1000,
      app: { name: 'some capture tool', version: '' },
      connections: [],
    });
    expect(
      read.records.map((r) => r.type === 'data' && [r.at, r.dir, r.local.port, r.remote.address, Buffer.from(r.bytes).toString()]),
    ).toEqual([
      [1000, 'tx', 5353, '10.1.1.2', 'ping'],
      [2500, 'rx', 5353, '10.1.1.2', 'pong'],
    ]);
  });

  it('reads an Ethernet TCP capture in nanoseconds, dropping retransmitted bytes and frames that are not TCP or UDP', () => {
    const le = true;
    const client = { address: ip('fd00::1'), port: 5000 };
    const server = { address: ip('fd00::2'), port: 80 };
    let n = 0;
    const seg = (from: typeof client, to: typeof client, seq: number, ack: number, flags: number, payload = '') =>
      epb(
        le,
        1_000_000_000 * ++n,
        ethernet(
          tcpPacket({
            src: from.address,
            dst: to.address,
            srcPort: from.port,
            dstPort: to.port,
            seq,
            ack,
            flags,
            window: 500,
            payload: ascii(payload),
          }),
          undefined,
          n % 2 === 0,
        ),
      );
    const file = capture(le, [
      shb(le),
      idb(le, 1, [[9, Uint8Array.of(9)]]),
      seg(client, server, 100, 0, TCP_SYN),
      seg(server, client, 900, 101, TCP_SYN | TCP_ACK),
      { ...epb(le, 0, ethernet(new Uint8Array(28), 0x0806)) },
      seg(client, server, 101, 901, TCP_ACK),
      seg(client, server, 101, 901, TCP_ACK, 'GET /'),
      seg(client, server, 101, 901, TCP_ACK | TCP_PSH, 'GET / HTTP'),
      seg(server, client, 901, 111, TCP_ACK | TCP_PSH, 'OK'),
      seg(client, server, 111, 903, TCP_FIN | TCP_ACK),
      seg(server, client, 903, 112, TCP_FIN | TCP_ACK),
      seg(client, server, 112, 904, TCP_ACK),
    ]);
    const read = ok(readPcapng(file));
    expect(read.header.kind).toBe('tcp-client');
    const local = endpoint('fd00::1', 5000);
    const remote = endpoint('fd00::2', 80);
    expect(
      read.records.map((r) => ({ ...r, session: undefined, bytes: r.type === 'data' ? Buffer.from(r.bytes).toString() : undefined })),
    ).toEqual([
      { seq: 1, at: 1000, type: 'open', conn: 'c1', local, remote },
      { seq: 2, at: 4000, type: 'data', dir: 'tx', conn: 'c1', local, remote, bytes: 'GET / HTTP' },
      { seq: 3, at: 6000, type: 'data', dir: 'rx', conn: 'c1', local, remote, bytes: 'OK' },
      { seq: 4, at: 7000, type: 'half-close', conn: 'c1', by: 'local' },
      { seq: 5, at: 8000, type: 'half-close', conn: 'c1', by: 'peer' },
      {
        seq: 6,
        at: 8000,
        type: 'close',
        conn: 'c1',
        reason: 'local-closed',
        counters: { rxBytes: 2, txBytes: 10, rxMessages: 1, txMessages: 1 },
      },
    ]);
    expect(parseIpPacket(new Uint8Array(0)).ok).toBe(false);
  });

  it.each([
    ['an empty file', new Uint8Array(0), /empty/],
    [
      'a classic pcap file',
      Uint8Array.of(0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0),
      /classic pcap file, not pcapng: open it in Wireshark and save it as pcapng/,
    ],
    ['a text file', ascii('{"type":"header"}\n'), /not a pcapng file/],
  ])('explains %s is no pcapng', (_what, bytes, message) => {
    expect(isPcapng(bytes)).toBe(false);
    const read = readPcapng(bytes);
    expect(read.records).toEqual([]);
    expect(read.problem).toMatchObject({ offset: 0, message: expect.stringMatching(message) });
  });

  it('names a link type it cannot read and skips its packets', () => {
    const file = capture(true, [shb(true), idb(true, 147), epb(true, 0, new Uint8Array(8))]);
    const read = readPcapng(file);
    expect(read.records).toEqual([]);
    expect(read.problem?.message).toMatch(/link type 147; only raw IP, Ethernet, Linux cooked and loopback captures are read/);
  });
});
