import { SocketAddress } from 'node:net';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { english } from '@shared/phrase';
import {
  TCP_ACK,
  TCP_PSH,
  TCP_SYN,
  addressFromText,
  addressPair,
  addressToText,
  internetChecksum,
  ipv4FromText,
  ipv6FromText,
  maxPayload,
  parseIpPacket,
  tcpPacket,
  udpPacket,
  type ParsedPacket,
} from '@shared/transcript/ip-packets';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const fromHex = (text: string): Uint8Array => new Uint8Array(Buffer.from(text.replace(/\s+/g, ''), 'hex'));
const ascii = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'latin1'));

function parsed(packet: Uint8Array): Extract<ParsedPacket, { ok: true }> {
  const result = parseIpPacket(packet);
  if (!result.ok) throw new Error(`expected the packet to parse: ${english(result.problem)}`);
  return result;
}

const v4 = (text: string): Uint8Array => ipv4FromText(text) as Uint8Array;
const v6 = (text: string): Uint8Array => ipv6FromText(text) as Uint8Array;

describe('address text and bytes', () => {
  it.each([
    ['127.0.0.1', '7f000001'],
    ['0.0.0.0', '00000000'],
    ['255.255.255.255', 'ffffffff'],
    ['::1', '00000000000000000000000000000001'],
    ['::', '00000000000000000000000000000000'],
    ['fe80::1%eth0', 'fe800000000000000000000000000001'],
    ['2001:DB8::ff00:42:8329', '20010db8000000000000ff0000428329'],
    ['1:2:3:4:5:6:7:8', '00010002000300040005000600070008'],
    ['::ffff:192.168.0.1', '00000000000000000000ffffc0a80001'],
    ['1::', '00010000000000000000000000000000'],
  ])('reads %s', (text, bytes) => {
    expect(hex(addressFromText(text) as Uint8Array)).toBe(bytes);
  });

  it.each(['1.2.3', '1.2.3.256', '01.2.3.4x', 'localhost', '1:2:3:4:5:6:7:8:9', '1::2::3', ':1::', '12345::', '::1.2.3', '1.2.3.4::', ''])(
    'refuses %j',
    (text) => {
      expect(addressFromText(text)).toBeUndefined();
    },
  );

  it('writes IPv6 as Node does: longest zero run as ::, IPv4-mapped with a dotted tail', () => {
    expect(addressToText(v6('0:0:0:0:0:ffff:7f00:1'))).toBe('::ffff:127.0.0.1');
    expect(addressToText(v6('1:0:0:1:0:0:0:1'))).toBe('1:0:0:1::1');
    expect(addressToText(v6('::1'))).toBe('::1');
    expect(addressToText(v4('10.0.0.7'))).toBe('10.0.0.7');
  });

  const word = fc.oneof(fc.constant(0), fc.constant(0), fc.constant(1), fc.constant(0xffff), fc.integer({ min: 0, max: 0xffff }));

  it('agrees with Node on every IPv6 address and reads its own text back', () => {
    fc.assert(
      fc.property(fc.array(word, { minLength: 8, maxLength: 8 }), (words) => {
        const full = words.map((w) => w.toString(16)).join(':');
        const bytes = v6(full);
        const text = addressToText(bytes);
        expect(text).toBe(new SocketAddress({ address: full, family: 'ipv6' }).address);
        expect(addressFromText(text)).toEqual(bytes);
      }),
    );
  });

  it('puts both ends in one family, an IPv4 end as ::ffff:a.b.c.d beside IPv6', () => {
    expect(addressPair('127.0.0.1', '10.1.2.3').map(hex)).toEqual(['7f000001', '0a010203']);
    expect(addressPair('::1', '127.0.0.1').map(addressToText)).toEqual(['::1', '::ffff:127.0.0.1']);
    expect(addressPair('192.168.1.9', 'fe80::2%eth0').map(addressToText)).toEqual(['::ffff:192.168.1.9', 'fe80::2']);
    expect(addressPair('::ffff:127.0.0.1', '::ffff:127.0.0.2').map(addressToText)).toEqual(['::ffff:127.0.0.1', '::ffff:127.0.0.2']);
  });
});

describe('checksums', () => {
  it('gives the IPv4 header checksum of a known header (b861)', () => {
    // The worked example of RFC 1071's use in IPv4: 4500 0073 0000 4000 4011 b861 c0a8 0001 c0a8 00c7.
    const packet = udpPacket({
      src: v4('192.168.0.1'),
      dst: v4('192.168.0.199'),
      srcPort: 1,
      dstPort: 2,
      payload: new Uint8Array(0x73 - 28),
    });
    expect(hex(packet.subarray(0, 20))).toBe('45000073000040004011b861c0a80001c0a800c7');
  });

  it('gives the UDP checksum worked out by hand', () => {
    // Pseudo-header 7f00+0001+7f00+0001+0011+000a, header 03e8+07d0+000a, data 6869:
    // 0x17248 → folded 0x7249 → complement 0x8db6.
    const packet = udpPacket({ src: v4('127.0.0.1'), dst: v4('127.0.0.1'), srcPort: 1000, dstPort: 2000, payload: ascii('hi') });
    expect(hex(packet.subarray(20))).toBe('03e807d0000a8db66869');
  });

  it('sends a UDP checksum that comes out as 0 as ffff', () => {
    // The same datagram with data f61f sums to ffff, whose complement is 0.
    const packet = udpPacket({ src: v4('127.0.0.1'), dst: v4('127.0.0.1'), srcPort: 1000, dstPort: 2000, payload: fromHex('f61f') });
    expect(hex(packet.subarray(26, 28))).toBe('ffff');
    expect(parsed(packet).transport.checksumOk).toBe(true);
  });

  it('gives the TCP checksum worked out by hand', () => {
    // Pseudo-header 0a00+0001+0a00+0002+0006+0014; header 0050+1f90+0000+0001+0000+0000+5002+ffff:
    // 0x183ff → folded 0x8400 → complement 0x7bff.
    const packet = tcpPacket({
      src: v4('10.0.0.1'),
      dst: v4('10.0.0.2'),
      srcPort: 80,
      dstPort: 8080,
      seq: 1,
      ack: 0,
      flags: TCP_SYN,
      window: 0xffff,
      payload: new Uint8Array(0),
    });
    expect(hex(packet.subarray(20))).toBe('00501f90' + '00000001' + '00000000' + '5002ffff' + '7bff0000');
  });

  it('sums to zero over a packet that carries its own checksum', () => {
    const packet = tcpPacket({
      src: v6('::1'),
      dst: v6('::1'),
      srcPort: 1,
      dstPort: 2,
      seq: 3,
      ack: 4,
      flags: TCP_ACK,
      window: 5,
      payload: ascii('odd'),
    });
    expect(parsed(packet).transport.checksumOk).toBe(true);
    packet[packet.length - 1] ^= 1;
    expect(parsed(packet).transport.checksumOk).toBe(false);
    expect(internetChecksum(fromHex('0001f203f4f5f6f7'))).toBe(0x220d);
  });
});

describe('building and parsing packets', () => {
  const address = fc.oneof(fc.uint8Array({ minLength: 4, maxLength: 4 }), fc.uint8Array({ minLength: 16, maxLength: 16 }));

  it('reads back every field of a TCP segment and a UDP datagram, IPv4 and IPv6', () => {
    fc.assert(
      fc.property(
        address,
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        fc.record({
          srcPort: fc.integer({ min: 0, max: 65535 }),
          dstPort: fc.integer({ min: 0, max: 65535 }),
          seq: fc.integer({ min: 0, max: 0xffffffff }),
          ack: fc.integer({ min: 0, max: 0xffffffff }),
          flags: fc.integer({ min: 0, max: 0x3f }),
          window: fc.integer({ min: 0, max: 65535 }),
          identification: fc.integer({ min: 0, max: 65535 }),
        }),
        fc.uint8Array({ maxLength: 3000 }),
        (src, other, fields, payload) => {
          const dst = other.subarray(0, src.length);
          const tcp = parsed(tcpPacket({ src, dst, payload, ...fields }));
          expect(tcp.version).toBe(src.length === 4 ? 4 : 6);
          expect([tcp.src, tcp.dst]).toEqual([src, dst]);
          expect(tcp.transport).toEqual({ protocol: 'tcp', ...fields, identification: undefined, payload, checksumOk: true });
          const udp = parsed(udpPacket({ src, dst, payload, ...fields }));
          expect(udp.transport).toEqual({ protocol: 'udp', srcPort: fields.srcPort, dstPort: fields.dstPort, payload, checksumOk: true });
        },
      ),
    );
  });

  it('writes TTL and hop limit 64, DF and the given identification', () => {
    const four = tcpPacket({
      src: v4('1.2.3.4'),
      dst: v4('5.6.7.8'),
      srcPort: 1,
      dstPort: 2,
      seq: 0,
      ack: 0,
      flags: TCP_PSH,
      window: 0,
      payload: ascii('x'),
      identification: 0x1234,
    });
    expect(hex(four.subarray(0, 10))).toBe('450000291234' + '4000' + '4006');
    const six = udpPacket({ src: v6('::1'), dst: v6('::2'), srcPort: 1, dstPort: 2, payload: ascii('x') });
    expect(hex(six.subarray(0, 8))).toBe('60000000' + '0009' + '1140');
  });

  it('carries the largest payloads that fit one packet', () => {
    expect([maxPayload('tcp', 4), maxPayload('tcp', 16), maxPayload('udp', 4), maxPayload('udp', 16)]).toEqual([
      65_495, 65_515, 65_507, 65_527,
    ]);
    for (const [src, protocol] of [
      [v4('127.0.0.1'), 'udp'],
      [v6('::1'), 'udp'],
      [v4('127.0.0.1'), 'tcp'],
      [v6('::1'), 'tcp'],
    ] as const) {
      const payload = new Uint8Array(maxPayload(protocol, src.length)).fill(0xa5);
      const ends = { src, dst: src, srcPort: 9, dstPort: 9, payload };
      const packet = protocol === 'udp' ? udpPacket(ends) : tcpPacket({ ...ends, seq: 0, ack: 0, flags: TCP_ACK, window: 1 });
      expect(packet.length).toBe(src.length === 4 ? 65_535 : 65_575);
      const { transport } = parsed(packet);
      expect(transport.checksumOk).toBe(true);
      expect(Buffer.compare(transport.payload, payload)).toBe(0);
    }
  });

  it('reads IPv4 with options and ignores link-layer padding after the packet', () => {
    const plain = udpPacket({ src: v4('10.0.0.1'), dst: v4('10.0.0.2'), srcPort: 5, dstPort: 6, payload: ascii('data') });
    const withOptions = new Uint8Array(plain.length + 4 + 6);
    withOptions.set(plain.subarray(0, 20));
    withOptions.set([1, 1, 1, 0], 20); // NOP NOP NOP EOL
    withOptions.set(plain.subarray(20), 24);
    withOptions[0] = 0x46;
    new DataView(withOptions.buffer).setUint16(2, plain.length + 4);
    new DataView(withOptions.buffer).setUint16(10, 0);
    new DataView(withOptions.buffer).setUint16(10, internetChecksum(withOptions, 0, 24));
    const result = parsed(withOptions);
    expect(result.transport).toMatchObject({ srcPort: 5, dstPort: 6, payload: ascii('data'), checksumOk: true });
  });

  it.each([
    ['fragments', (p: Uint8Array) => p.set([0x20, 0x00], 6), /fragment/],
    ['other protocols', (p: Uint8Array) => (p[9] = 1), /protocol 1 /],
    ['a cut packet', (p: Uint8Array) => p.set([0xff, 0xff], 2), /shorter than its header says/],
    ['other IP versions', (p: Uint8Array) => (p[0] = 0x55), /IP version 5/],
  ])('reports %s', (_what, damage, problem) => {
    const packet = udpPacket({ src: v4('10.0.0.1'), dst: v4('10.0.0.2'), srcPort: 5, dstPort: 6, payload: ascii('data') });
    damage(packet);
    const result = parseIpPacket(packet);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(english(result.problem)).toMatch(problem);
  });

  it('never throws on arbitrary bytes', () => {
    const ipLike = fc.uint8Array({ maxLength: 120 }).map((bytes) => {
      if (bytes.length > 0) bytes[0] = (bytes[0] as number) % 2 === 0 ? 0x45 : 0x60;
      return bytes;
    });
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 120 }), ipLike), (bytes) => {
        const result = parseIpPacket(bytes);
        expect(typeof result.ok).toBe('boolean');
      }),
      { numRuns: 2000 },
    );
  });
});
