/**
 * The benchmark's traffic source, run as a child process (out/bench/peer.mjs) so that it never
 * shares an event loop, a heap or a file-descriptor table with the receiver being measured.
 * Requests come over the IPC channel, each with an id that its one reply carries back.
 */
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { connect, type Socket } from 'node:net';
import type { PeerReply, PeerRequest } from './peer-protocol';

let stream: Socket | undefined;
const idle: Socket[] = [];
let stopRequested = false;

const reply = (message: PeerReply): void => {
  process.send?.(message);
};

/** One connection to blast through; the parent starts its clock only once it is up. */
function tcpConnect(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.off('error', reject);
      stream = socket;
      resolve();
    });
    socket.once('error', reject);
  });
}

/**
 * Write `total` bytes in `chunk`-sized writes as fast as the socket takes them, then FIN. The
 * receiver answers our FIN only once it has read everything before it, so 'close' is the moment
 * the receiver holds every byte.
 */
function tcpBlast(total: number, chunk: number): Promise<void> {
  const socket = stream;
  if (!socket) return Promise.reject(new Error('tcp-blast needs tcp-connect first.'));
  const block = Buffer.alloc(chunk, 0x5a);
  return new Promise((resolve, reject) => {
    let left = total;
    const pump = (): void => {
      while (left > 0) {
        const size = Math.min(left, chunk);
        left -= size;
        if (!socket.write(size === chunk ? block : block.subarray(0, size))) {
          socket.once('drain', pump);
          return;
        }
      }
      socket.end();
    };
    socket.once('error', reject);
    socket.once('close', () => {
      stream = undefined;
      resolve();
    });
    pump();
  });
}

/**
 * `rate` writes of `size` bytes a second on the tcp-connect connection for `ms`, as udpPaced
 * schedules them; Nagle is off so that each write leaves as a segment of its own.
 */
async function tcpPaced(size: number, rate: number, ms: number): Promise<number> {
  const socket = stream;
  if (!socket) throw new Error('tcp-paced needs tcp-connect first.');
  socket.setNoDelay(true);
  const payload = Buffer.alloc(size, 0x2e);
  let sent = 0;
  const start = performance.now();
  await new Promise<void>((resolve) => {
    const tick = setInterval(() => {
      const elapsed = Math.min(performance.now() - start, ms);
      const due = Math.floor((elapsed * rate) / 1000);
      for (; sent < due; sent++) socket.write(payload);
      if (elapsed >= ms) {
        clearInterval(tick);
        resolve();
      }
    }, 1);
  });
  return sent;
}

function udpSocket(): Promise<UdpSocket> {
  const socket = createSocket('udp4');
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => {
      socket.off('error', reject);
      resolve(socket);
    });
  });
}

/** A datagram that says its own sequence number in text, so the log's rows can be told apart. */
function datagram(size: number, seq: number): Buffer {
  const out = Buffer.alloc(size, 0x2e);
  out.write(`#${seq}`.slice(0, size), 0, 'latin1');
  return out;
}

/** As many datagrams as the socket takes for `ms`, at most `inFlight` handed to libuv at once. */
async function udpBlast(port: number, size: number, ms: number): Promise<number> {
  const socket = await udpSocket();
  const payload = datagram(size, 0);
  const inFlight = 64;
  let sent = 0;
  let pending = 0;
  const end = performance.now() + ms;
  await new Promise<void>((resolve) => {
    const next = (): void => {
      while (pending < inFlight && performance.now() < end) {
        pending += 1;
        socket.send(payload, port, '127.0.0.1', (err) => {
          pending -= 1;
          if (!err) sent += 1;
          if (pending === 0 && performance.now() >= end) resolve();
          else next();
        });
      }
    };
    next();
  });
  socket.close();
  return sent;
}

/**
 * `rate` datagrams a second for `ms` (or until told to stop), each carrying its number: every
 * millisecond it sends what the schedule says should be out by now.
 */
async function udpPaced(port: number, size: number, rate: number, ms: number): Promise<number> {
  const socket = await udpSocket();
  stopRequested = false;
  let sent = 0;
  let failed: Error | undefined;
  const start = performance.now();
  await new Promise<void>((resolve) => {
    const tick = setInterval(() => {
      const elapsed = Math.min(performance.now() - start, ms);
      const due = Math.floor((elapsed * rate) / 1000);
      while (sent < due) {
        socket.send(datagram(size, sent), port, '127.0.0.1', (err) => {
          if (err) failed ??= err;
        });
        sent += 1;
      }
      if (elapsed >= ms || stopRequested) {
        clearInterval(tick);
        resolve();
      }
    }, 1);
  });
  // Let the last sends leave before closing the socket.
  await new Promise((resolve) => setTimeout(resolve, 50));
  socket.close();
  if (failed) throw new Error(`A paced datagram could not be sent: ${failed.message}`);
  return sent;
}

/** `count` connections started in one go; resolves once each has connected or failed. */
async function tcpConnectMany(port: number, count: number): Promise<{ connected: number; failed: number }> {
  let connected = 0;
  let failed = 0;
  await new Promise<void>((resolve) => {
    const settle = (): void => {
      if (connected + failed === count) resolve();
    };
    for (let i = 0; i < count; i++) {
      const socket = connect({ host: '127.0.0.1', port });
      socket.once('connect', () => {
        connected += 1;
        idle.push(socket);
        settle();
      });
      socket.once('error', () => {
        failed += 1;
        settle();
      });
    }
  });
  return { connected, failed };
}

function closeIdle(): void {
  for (const socket of idle.splice(0)) socket.destroy();
}

async function handle(request: PeerRequest): Promise<PeerReply> {
  const started = performance.now();
  const took = () => performance.now() - started;
  switch (request.cmd) {
    case 'tcp-connect':
      await tcpConnect(request.port);
      return { id: request.id, ok: true, ms: took() };
    case 'tcp-blast':
      await tcpBlast(request.total, request.chunk);
      return { id: request.id, ok: true, ms: took() };
    case 'tcp-paced': {
      const sent = await tcpPaced(request.size, request.rate, request.ms);
      return { id: request.id, ok: true, ms: took(), sent };
    }
    case 'udp-blast': {
      const sent = await udpBlast(request.port, request.size, request.ms);
      return { id: request.id, ok: true, ms: took(), sent };
    }
    case 'udp-paced': {
      const sent = await udpPaced(request.port, request.size, request.rate, request.ms);
      return { id: request.id, ok: true, ms: took(), sent };
    }
    case 'stop':
      stopRequested = true;
      return { id: request.id, ok: true, ms: 0 };
    case 'tcp-connect-many': {
      const { connected, failed } = await tcpConnectMany(request.port, request.count);
      return { id: request.id, ok: true, ms: took(), connected, failed };
    }
    case 'tcp-close-all':
      closeIdle();
      return { id: request.id, ok: true, ms: 0 };
  }
}

process.on('message', (request: PeerRequest) => {
  handle(request).then(reply, (err: unknown) =>
    reply({ id: request.id, ok: false, ms: 0, error: err instanceof Error ? err.message : String(err) }),
  );
});
process.on('disconnect', () => {
  closeIdle();
  process.exit(0);
});
reply({ id: 0, ok: true, ms: 0 });
