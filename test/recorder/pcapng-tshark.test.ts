/**
 * The pcapng export as Wireshark sees it: tshark reads files written from synthetic transcripts
 * and must find every packet, the real addresses and ports, valid checksums, no TCP analysis
 * warnings, and "follow tcp" output equal to the bytes of each direction.
 */
import { execFile } from 'node:child_process';
import { access, constants, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Endpoint } from '@shared/address';
import type { SessionKind } from '@shared/contract';
import { PcapngWriter } from '@shared/transcript/pcapng-writer';
import type { BodyRecord, ConnectionSnapshot, HeaderRecord } from '@shared/transcript/records';
import { header, pseudoRandomBytes } from '../support/transcript-fixtures';
import { tempDirForAll } from '../support/temp-dir';

const TSHARK = '/usr/bin/tshark';
const run = promisify(execFile);
const T0 = 1_700_000_000_000;
const SESSION = 's1';
/** Expert-info severities from PI_WARN up mean Wireshark found something wrong… */
const PI_WARN = 0x00600000;
/** …except this one, which is how it marks every RST. */
const RST_WARNING = 'Connection reset (RST)';

const home = tempDirForAll('socket-inspector-pcapng-');
let folder: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  try {
    await access(TSHARK, constants.X_OK);
  } catch {
    throw new Error(
      `tshark is missing (${TSHARK}): install it with \`apt-get install tshark\` (.ci/run does); these tests check the pcapng export with it.`,
    );
  }
  folder = home();
  // tshark keeps a profile under $HOME; a fresh one keeps it out of the real home and ignores its settings.
  env = { ...process.env, HOME: folder, XDG_CONFIG_HOME: folder };
});

async function tshark(file: string, args: string[]): Promise<string> {
  const { stdout } = await run(TSHARK, ['-r', file, ...args], { env, maxBuffer: 256 * 1024 * 1024, encoding: 'utf8' });
  return stdout;
}

const endpoint = (address: string, port: number): Endpoint => ({ address, port, family: address.includes(':') ? 'IPv6' : 'IPv4' });
const text = (e: Endpoint): string => (e.family === 'IPv6' ? `[${e.address}]:${e.port}` : `${e.address}:${e.port}`);

function headerOf(kind: SessionKind, local: Endpoint, connections: ConnectionSnapshot[] = []): HeaderRecord {
  const at = { at: T0, started: new Date(T0).toISOString(), session: SESSION, app: { name: 'Socket Inspector', version: '0.1.0' } };
  return header(kind, { ...at, config: { kind, port: local.port }, local: local, connections });
}

class Transcript {
  readonly records: BodyRecord[] = [];
  constructor(readonly header: HeaderRecord) {}

  add(record: Record<string, unknown>): void {
    const n = this.records.length + 1;
    this.records.push({ seq: n, at: T0 + n * 0.75, session: SESSION, ...record } as unknown as BodyRecord);
  }

  /** Writes the file and says how many packets it holds. */
  async save(name: string): Promise<{ file: string; packets: number }> {
    const writer = new PcapngWriter(this.header);
    const parts = [writer.start(), ...this.records.map((r) => writer.write(r))];
    const file = join(folder, name);
    await writeFile(file, Buffer.concat(parts));
    return { file, packets: parts.reduce((n, part) => n + countPackets(part), 0) };
  }
}

function countPackets(blocks: Uint8Array): number {
  const view = new DataView(blocks.buffer, blocks.byteOffset, blocks.byteLength);
  let count = 0;
  for (let offset = 0; offset < blocks.length; offset += view.getUint32(offset + 4, true)) if (view.getUint32(offset, true) === 6) count++;
  return count;
}

/** tshark's `-T fields` output as one object per packet. */
async function fields(file: string, names: string[]): Promise<Record<string, string>[]> {
  const checks = ['-o', 'tcp.check_checksum:TRUE', '-o', 'udp.check_checksum:TRUE', '-o', 'ip.check_checksum:TRUE'];
  const out = await tshark(file, [...checks, '-T', 'fields', '-E', 'separator=/t', ...names.flatMap((n) => ['-e', n])]);
  return out
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => Object.fromEntries(line.split('\t').map((value, i) => [names[i], value])));
}

/** `-z follow,tcp,raw,N` for each stream: the nodes and the bytes each one sent. */
async function follow(file: string, streams: number): Promise<Map<number, { nodes: string[]; sent: Buffer[] }>> {
  const out = await tshark(file, ['-q', ...Array.from({ length: streams }, (_, i) => ['-z', `follow,tcp,raw,${i}`]).flat()]);
  const result = new Map<number, { nodes: string[]; sent: Buffer[] }>();
  for (const section of out.split(/^=+$/m)) {
    const stream = /^Filter: tcp\.stream eq (\d+)$/m.exec(section);
    if (!stream) continue;
    const nodes = [0, 1].map((n) => new RegExp(`^Node ${n}: (.*)$`, 'm').exec(section)?.[1] ?? '');
    const hex = ['', ''];
    for (const line of section.split('\n')) {
      if (/^\t?[0-9a-f]+$/.test(line)) hex[line.startsWith('\t') ? 1 : 0] += line.trim();
    }
    result.set(Number(stream[1]), { nodes, sent: hex.map((h) => Buffer.from(h, 'hex')) });
  }
  return result;
}

const CHUNK_SIZES = [1, 7919, 65_495, 65_496, 100_000, 3, 131_071, 65_515, 65_516, 12_345, 999];
const TWO_MB = 2 * 1024 * 1024;

/**
 * A listener with three connections: one open before recording began (header snapshot), one
 * carrying 2 MB each way in odd chunks that ends with a half-close then a close, one reset.
 */
function tcpTranscript(address: string): {
  transcript: Transcript;
  streams: { local: Endpoint; remote: Endpoint; rx: Buffer; tx: Buffer }[];
} {
  const local = endpoint(address, 9000);
  const remotes = [41_001, 41_002, 41_003].map((port) => endpoint(address, port));
  const transcript = new Transcript(headerOf('tcp-server', local, [{ conn: 'c1', local, remote: remotes[0]!, since: T0 - 60_000 }]));
  const sent = remotes.map(() => ({ rx: [] as Uint8Array[], tx: [] as Uint8Array[] }));
  const data = (conn: number, dir: 'rx' | 'tx', bytes: Uint8Array) => {
    transcript.add({ type: 'data', conn: `c${conn + 1}`, dir, local, remote: remotes[conn], bytes });
    sent[conn]![dir].push(bytes);
  };
  data(0, 'rx', pseudoRandomBytes(10, 1));
  transcript.add({ type: 'open', conn: 'c2', local, remote: remotes[1] });
  let rx = 0;
  let tx = 0;
  for (let i = 0; rx < TWO_MB || tx < TWO_MB; i++) {
    const size = CHUNK_SIZES[i % CHUNK_SIZES.length]!;
    const dir = (i * 7) % 3 === 0 ? 'rx' : 'tx';
    if (dir === 'rx' ? rx >= TWO_MB : tx >= TWO_MB) continue;
    data(1, dir, pseudoRandomBytes(size, i + 2));
    if (dir === 'rx') rx += size;
    else tx += size;
  }
  transcript.add({ type: 'open', conn: 'c3', local, remote: remotes[2] });
  data(2, 'tx', pseudoRandomBytes(5000, 99));
  data(0, 'tx', pseudoRandomBytes(70_000, 100));
  transcript.add({
    type: 'close',
    conn: 'c3',
    reason: 'peer-reset',
    counters: { rxBytes: 0, txBytes: 5000, rxMessages: 0, txMessages: 1 },
  });
  transcript.add({ type: 'half-close', conn: 'c2', by: 'peer' });
  data(1, 'tx', pseudoRandomBytes(100_000, 101));
  transcript.add({
    type: 'close',
    conn: 'c2',
    reason: 'local-closed',
    counters: { rxBytes: rx, txBytes: tx, rxMessages: 0, txMessages: 0 },
  });
  transcript.add({
    type: 'close',
    conn: 'c1',
    reason: 'session-closed',
    counters: { rxBytes: 10, txBytes: 70_000, rxMessages: 1, txMessages: 1 },
  });
  return {
    transcript,
    streams: remotes.map((remote, i) => ({ local, remote, rx: Buffer.concat(sent[i]!.rx), tx: Buffer.concat(sent[i]!.tx) })),
  };
}

const PACKET_FIELDS = [
  'frame.number',
  'ip.src',
  'ip.dst',
  'ipv6.src',
  'ipv6.dst',
  'tcp.stream',
  'tcp.srcport',
  'tcp.dstport',
  'udp.srcport',
  'udp.dstport',
  'tcp.analysis.flags',
  '_ws.expert.severity',
  '_ws.expert.message',
  'ip.checksum.status',
  'tcp.checksum.status',
  'udp.checksum.status',
];

function expectHealthy(rows: Record<string, string>[], v6: boolean, protocol: 'tcp' | 'udp'): void {
  for (const row of rows) {
    expect(row['tcp.analysis.flags'], `frame ${row['frame.number']}`).toBe('');
    const messages = (row['_ws.expert.message'] ?? '').split(',');
    const severities = (row['_ws.expert.severity'] ?? '').split(',').filter(Boolean).map(Number);
    const warnings = severities.flatMap((severity, i) => (severity >= PI_WARN && messages[i] !== RST_WARNING ? [messages[i]] : []));
    expect(warnings, `frame ${row['frame.number']}`).toEqual([]);
    expect(row[`${protocol}.checksum.status`], `frame ${row['frame.number']}`).toBe('1');
    expect(row['ip.checksum.status']).toBe(v6 ? '' : '1');
  }
}

const source = (row: Record<string, string>, v6: boolean, protocol: 'tcp' | 'udp'): string =>
  v6 ? `[${row['ipv6.src']}]:${row[`${protocol}.srcport`]}` : `${row['ip.src']}:${row[`${protocol}.srcport`]}`;
const destination = (row: Record<string, string>, v6: boolean, protocol: 'tcp' | 'udp'): string =>
  v6 ? `[${row['ipv6.dst']}]:${row[`${protocol}.dstport`]}` : `${row['ip.dst']}:${row[`${protocol}.dstport`]}`;

describe.each([
  ['IPv4', '127.0.0.1'],
  ['IPv6', '::1'],
])('pcapng export read by tshark: TCP over %s', (family, address) => {
  const v6 = family === 'IPv6';
  const { transcript, streams } = tcpTranscript(address);
  let saved: { file: string; packets: number };

  beforeAll(async () => {
    saved = await transcript.save(`tcp-${family}.pcapng`);
  });

  it('shows every packet between the real ends, with valid checksums and no TCP analysis warnings', async () => {
    const rows = await fields(saved.file, PACKET_FIELDS);
    expect(rows).toHaveLength(saved.packets);
    expectHealthy(rows, v6, 'tcp');
    streams.forEach((stream, i) => {
      const ends = new Set(
        rows.filter((row) => row['tcp.stream'] === String(i)).flatMap((row) => [source(row, v6, 'tcp'), destination(row, v6, 'tcp')]),
      );
      expect([...ends].sort()).toEqual([text(stream.local), text(stream.remote)].sort());
    });
  });

  it('follows each TCP stream to exactly the bytes sent each way', async () => {
    const followed = await follow(saved.file, streams.length);
    streams.forEach((stream, i) => {
      const seen = followed.get(i);
      // Node 0 is the end that sent the SYN: the peer, since this session is a listener.
      expect(seen?.nodes).toEqual([text(stream.remote), text(stream.local)]);
      expect(seen?.sent[0]?.equals(stream.rx), `stream ${i} peer → us`).toBe(true);
      expect(seen?.sent[1]?.equals(stream.tx), `stream ${i} us → peer`).toBe(true);
    });
    expect(streams[1]!.rx.length).toBeGreaterThanOrEqual(TWO_MB);
    expect(streams[1]!.tx.length).toBeGreaterThanOrEqual(TWO_MB);
  });
});

describe.each([
  ['IPv4', '127.0.0.1', 65_507],
  ['IPv6', '::1', 65_527],
])('pcapng export read by tshark: UDP over %s', (family, address, largest) => {
  const v6 = family === 'IPv6';
  const local = endpoint(address, 7000);
  const peers = [endpoint(address, 7001), endpoint(address, 7002)];
  const transcript = new Transcript(headerOf('udp', local));
  const sizes = [5, 0, largest, 1, 1400, largest - 1, 0, 300];
  sizes.forEach((size, i) =>
    transcript.add({ type: 'data', dir: i % 3 === 0 ? 'tx' : 'rx', local, remote: peers[i % 2], bytes: pseudoRandomBytes(size, i + 7) }),
  );

  it('shows one datagram per record, empty and largest included, between the real ends with their payloads', async () => {
    const saved = await transcript.save(`udp-${family}.pcapng`);
    const rows = await fields(saved.file, [...PACKET_FIELDS, 'udp.length', 'udp.payload']);
    expect(rows).toHaveLength(sizes.length);
    expect(saved.packets).toBe(sizes.length);
    expectHealthy(rows, v6, 'udp');
    rows.forEach((row, i) => {
      const record = transcript.records[i] as Extract<BodyRecord, { type: 'data' }>;
      const [from, to] = record.dir === 'tx' ? [record.local, record.remote] : [record.remote, record.local];
      expect([source(row, v6, 'udp'), destination(row, v6, 'udp')]).toEqual([text(from), text(to)]);
      expect(Number(row['udp.length'])).toBe(8 + record.bytes.length);
      expect(row['udp.payload']).toBe(Buffer.from(record.bytes).toString('hex'));
    });
  });
});
