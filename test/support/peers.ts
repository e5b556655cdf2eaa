import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { once } from 'node:events';
import { connect, createServer, type Socket } from 'node:net';

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
