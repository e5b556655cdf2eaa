/**
 * The UDP session's `ttl`: the TTL (IPv4) or hop limit (IPv6) its datagrams leave with, as a
 * python3 receiver reads it from each datagram's own header (IP_RECVTTL / IPV6_RECVHOPLIMIT;
 * Python does not name IP_RECVTTL, which is 12 on Linux).
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { dispatch } from '@shared/dispatch';
import { disposeAll, onCleanup, startEngine, textPayload } from '../support/engine';

afterEach(disposeAll);

/** A python3 UDP receiver on `host`: prints its port, then the TTL of the first datagram it gets. */
async function ttlReceiver(host: string): Promise<{ port: number; ttl: Promise<number> }> {
  const ipv6 = host.includes(':');
  const script = ipv6
    ? `import socket\ns = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)\ns.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_RECVHOPLIMIT, 1)\nlevel, kind = socket.IPPROTO_IPV6, socket.IPV6_HOPLIMIT`
    : `import socket\ns = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\ns.setsockopt(socket.IPPROTO_IP, getattr(socket, "IP_RECVTTL", 12), 1)\nlevel, kind = socket.IPPROTO_IP, socket.IP_TTL`;
  const child = spawn('python3', [
    '-c',
    `${script}\ns.settimeout(10)\ns.bind((${JSON.stringify(host)}, 0))\nprint(s.getsockname()[1], flush=True)\n` +
      `data, ancillary, flags, sender = s.recvmsg(2048, 256)\n` +
      `print([int.from_bytes(d, "little") for (l, k, d) in ancillary if l == level and k == kind][0], flush=True)`,
  ]);
  onCleanup(() => {
    child.kill();
  });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const first = await lines.next();
  if (first.done) throw new Error('python3 did not start its UDP receiver');
  return {
    port: Number(first.value),
    ttl: lines.next().then((line) => {
      if (line.done) throw new Error('python3 read no TTL from the datagram');
      return Number(line.value);
    }),
  };
}

async function ttlOfADatagram(host: string, ttl: number | undefined): Promise<number> {
  const engine = startEngine();
  const receiver = await ttlReceiver(host);
  const session = await engine.openOk({ kind: 'udp', host, port: 0, ...(ttl === undefined ? {} : { ttl }) });
  const sent = await engine.send(session.id, textPayload('hop'), { type: 'address', host, port: receiver.port });
  expect(sent.ok).toBe(true);
  return receiver.ttl;
}

describe('UDP ttl', () => {
  it('sends IPv4 datagrams with the TTL asked for, and with the OS default when left out', async () => {
    expect(await ttlOfADatagram('127.0.0.1', 7)).toBe(7);
    expect(await ttlOfADatagram('127.0.0.1', undefined)).not.toBe(7);
  });

  it('sets the hop limit of IPv6 datagrams', async () => {
    expect(await ttlOfADatagram('::1', 9)).toBe(9);
  });

  it('refuses a TTL outside 1–255, naming the field', async () => {
    const engine = startEngine();
    for (const ttl of [0, 256, 1.5]) {
      const opened = await dispatch(engine.manager, 'open', { config: { kind: 'udp', host: '127.0.0.1', port: 0, ttl } });
      expect(opened.ok).toBe(false);
      if (!opened.ok) expect(opened.error.message).toMatch(/config\.ttl.*TTL/);
    }
  });
});
