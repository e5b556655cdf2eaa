import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { UDP_DEFAULT_RECV_BUFFER_BYTES } from '@shared/limits';
import { Rig, waitFor } from '../support/udp';

const BURST = 3000;

/** Sends BURST 64-byte datagrams to each port given, as fast as it can, once told "go". */
const SENDER = `
const dgram = require('node:dgram');
const ports = process.argv.slice(1).map(Number);
const socket = dgram.createSocket('udp4');
socket.bind(0, '127.0.0.1', () => {
  process.stdout.write('ready\\n');
  process.stdin.once('data', () => {
    let pending = ${BURST} * ports.length;
    const payload = Buffer.alloc(64, 0x2e);
    for (let i = 0; i < ${BURST}; i++) for (const port of ports) socket.send(payload, port, '127.0.0.1', () => { if (--pending === 0) process.exit(0); });
  });
});
`;

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.dispose();
  rig = undefined;
});

const rmemMax = (): number => Number(readFileSync('/proc/sys/net/core/rmem_max', 'utf8'));

describe('UDP receive buffer', () => {
  // The kernel grants at most net.core.rmem_max; below 2 MiB the burst would not fit either way.
  it.runIf(rmemMax() >= 2 * 1024 * 1024)(
    'a session without a configured buffer keeps a burst that arrives while the app is busy, where the OS default drops it',
    async () => {
      const r = (rig = new Rig());
      const session = await r.bound({ host: '127.0.0.1', port: 0 });
      // The control: a plain socket with the OS default buffer, receiving the same burst.
      const plain = await r.peer('udp4', '127.0.0.1');
      const sender = spawn(process.execPath, ['-e', SENDER, String(session.local.port), String(plain.port)], {
        stdio: ['pipe', 'pipe', 'inherit'],
      });
      await once(sender.stdout, 'data');
      sender.stdin.write('go\n');
      // Busy for 1 s, as during a long garbage collection: nothing is read meanwhile.
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1000);
      const rxMessages = async () => {
        const list = await r.manager.list({});
        return list.ok ? (list.value.find((s) => s.id === session.id)?.counters.rxMessages ?? 0) : 0;
      };
      let received = 0;
      await waitFor(
        () => received === BURST,
        `all ${BURST} datagrams in the session`,
        () => void rxMessages().then((n) => (received = n)),
      );
      expect(received).toBe(BURST);
      expect(
        plain.received.length,
        'the OS default buffer kept the whole burst: it no longer shows what the larger one is for',
      ).toBeLessThan(BURST);
      expect(UDP_DEFAULT_RECV_BUFFER_BYTES).toBeGreaterThanOrEqual(2 * 1024 * 1024);
      sender.kill();
    },
  );
});
