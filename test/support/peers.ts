import { spawn } from 'node:child_process';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { once } from 'node:events';
import { connect, createServer, type Socket } from 'node:net';
import { createInterface } from 'node:readline';

/** Where a test collects what to undo after each test; run in reverse order. */
export type Cleanups = (() => unknown)[];

/** A Node TCP client on loopback that keeps everything it receives. */
export async function tcpPeerClient(port: number, cleanups: Cleanups): Promise<{ socket: Socket; received: () => Buffer }> {
  const socket = connect({ host: '127.0.0.1', port });
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  socket.on('error', () => undefined);
  cleanups.push(() => socket.destroy());
  await once(socket, 'connect');
  return { socket, received: () => Buffer.concat(chunks) };
}

/** A Node TCP server on 127.0.0.1, port 0, that keeps its clients and everything they send. */
export async function tcpPeerServer(
  cleanups: Cleanups,
  onConnection?: (socket: Socket) => void,
): Promise<{ port: number; sockets: Socket[]; received: () => Buffer }> {
  const sockets: Socket[] = [];
  const chunks: Buffer[] = [];
  const server = createServer((socket) => {
    sockets.push(socket);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', () => undefined);
    onConnection?.(socket);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  );
  return { port: (server.address() as { port: number }).port, sockets, received: () => Buffer.concat(chunks) };
}

/** A Node UDP socket bound to 127.0.0.1, port 0, closed after the test. */
export async function udpPeer(cleanups: Cleanups): Promise<UdpSocket> {
  const socket = createSocket('udp4');
  cleanups.push(() => socket.close());
  socket.bind(0, '127.0.0.1');
  await once(socket, 'listening');
  return socket;
}

const STALLED_CLIENTS_PY = `
import hashlib, socket, sys
port, count = int(sys.argv[1]), int(sys.argv[2])
socks = []
for _ in range(count):
    s = socket.socket()
    # A small window, set before the connect, so the kernel takes little off the app's queue.
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.connect(('127.0.0.1', port))
    socks.append(s)
print('ports', *[s.getsockname()[1] for s in socks], flush=True)
for line in sys.stdin:
    index, size = map(int, line.split())
    digest, left = hashlib.sha256(), size
    while left > 0:
        chunk = socks[index].recv(min(left, 1 << 20))
        if not chunk:
            break
        digest.update(chunk)
        left -= len(chunk)
    print('read', index, size - left, digest.hexdigest(), flush=True)
`;

export interface StalledClients {
  /** The local port of each client, in the order they connected. */
  ports: number[];
  /** Have client `index` read `size` bytes at last: how many came, and their SHA-256. */
  read(index: number, size: number): Promise<{ bytes: number; sha256: string }>;
}

/**
 * Python clients on 127.0.0.1 that connect and never read until told to: peers that leave
 * everything sent to them waiting in the sender's queue. One python3 process holds them all.
 */
export async function stalledPythonClients(port: number, count: number, cleanups: Cleanups): Promise<StalledClients> {
  const child = spawn('python3', ['-c', STALLED_CLIENTS_PY, String(port), String(count)], { stdio: ['pipe', 'pipe', 'inherit'] });
  cleanups.push(() => child.kill('SIGKILL'));
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async (): Promise<string[]> => {
    const line = await lines.next();
    if (line.done) throw new Error('The python clients ended early.');
    return line.value.split(' ');
  };
  const [, ...ports] = await next();
  return {
    ports: ports.map(Number),
    async read(index, size) {
      child.stdin.write(`${index} ${size}\n`);
      const [, , bytes, sha256] = await next();
      return { bytes: Number(bytes), sha256: sha256! };
    },
  };
}
