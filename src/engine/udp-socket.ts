import { createSocket, type RemoteInfo, type Socket, type SocketType } from 'node:dgram';
import { lookup } from 'node:dns/promises';
import { networkInterfaces } from 'node:os';
import type { SendReceipt, SendTarget, SessionInfo, UdpConfig } from '@shared/contract';
import { formatEndpoint, ipFamily, type AddressFamily, type Endpoint } from '@shared/address';
import { AppCode, hintFor } from '@shared/errors';
import { MAX_UDP_PAYLOAD_IPV4, MAX_UDP_PAYLOAD_IPV6, UDP_DEFAULT_RECV_BUFFER_BYTES } from '@shared/limits';
import { fail, ok, type AppError, type Result } from '@shared/result';
import type { EngineContext } from './context';
import { count } from '@shared/counters';
import { endpoint, MAPPED_IPV4, unmapIPv4 } from './endpoint';
import { SessionBase } from './session';
import { appError, socketError } from './socket-errors';

interface ResolvedHost {
  address: string;
  family: AddressFamily;
}

interface Destination extends ResolvedHost {
  port: number;
}

interface PendingOpen {
  settled: boolean;
  socket: Socket | undefined;
  settle(result: Result<SessionInfo>): void;
}

/**
 * An interface given by name or by address, in the form Node's multicast calls take: an IPv4
 * group wants one of the interface's IPv4 addresses, an IPv6 group `::%<name>` (`::%<index>` on
 * Windows, whose scope ids are numbers). An address passes as written; a name the machine does
 * not have is refused with the names it does have, rather than the OS's bare EINVAL.
 */
function multicastInterfaceOf(iface: string, family: AddressFamily): Result<string> {
  if (ipFamily(iface.split('%')[0]!)) return ok(iface);
  const interfaces = networkInterfaces();
  const addresses = Object.hasOwn(interfaces, iface) ? interfaces[iface] : undefined;
  if (!addresses) {
    const known = Object.keys(interfaces).join(', ');
    return fail(
      AppCode.InvalidArgument,
      `There is no network interface "${iface}" on this machine; its interfaces are: ${known}.`,
      'Name one of those interfaces, or give one of its addresses (127.0.0.1, or ::%lo for IPv6).',
    );
  }
  const own = addresses.find((a) => a.family === family);
  if (!own) {
    return fail(
      AppCode.InvalidArgument,
      `The interface ${iface} has no ${family} address, so it cannot carry ${family} multicast.`,
      `Choose an interface with an ${family} address, or a group of the other family.`,
    );
  }
  if (family === 'IPv4') return ok(own.address);
  return ok(process.platform === 'win32' ? `::%${own.scopeid ?? 0}` : `::%${iface}`);
}

interface Membership {
  group: string;
  iface: string | undefined;
}

const grouped = (n: number): string => n.toLocaleString('en-US');

/**
 * A UDP socket: binds one address and port, receives datagrams from anyone, and sends from that
 * same socket (so devices that answer to the source port answer to us) to an address, the
 * configured remote, or whoever sent last. Multicast groups are joined on the same socket.
 */
export class UdpSession extends SessionBase<UdpConfig> {
  private socket: Socket | undefined;
  private socketType: SocketType = 'udp4';
  private pendingOpen: PendingOpen | undefined;
  private closeWaiters: ((result: Result<SessionInfo>) => void)[] = [];
  private lastSender: Endpoint | undefined;
  /** The last sender's address as the socket reported it (before an IPv4-mapped one is unmapped). */
  private lastSenderAddress: string | undefined;
  private readonly memberships = new Map<string, Membership>();

  constructor(id: string, config: UdpConfig, ctx: EngineContext) {
    super(id, config, ctx);
  }

  override info(): SessionInfo {
    const info = super.info();
    if (this.lastSender) info.lastSender = { ...this.lastSender };
    info.memberships = [...new Set([...this.memberships.values()].map((m) => m.group))];
    return info;
  }

  open(): Promise<Result<SessionInfo>> {
    if (this.currentState === 'opening' || this.currentState === 'open' || this.currentState === 'closing') {
      return Promise.resolve(fail(AppCode.BadState, `Session ${this.id} is already ${this.currentState}.`, 'Close it first.'));
    }
    this.local = undefined;
    this.lastSender = undefined;
    this.memberships.clear();
    this.setState('opening');
    return new Promise((resolve) => {
      const pending: PendingOpen = {
        settled: false,
        socket: undefined,
        settle: (result) => {
          if (pending.settled) return;
          pending.settled = true;
          if (this.pendingOpen === pending) this.pendingOpen = undefined;
          resolve(result);
        },
      };
      this.pendingOpen = pending;
      void this.bind(pending);
    });
  }

  close(): Promise<Result<SessionInfo>> {
    const pending = this.pendingOpen;
    if (pending) {
      if (pending.socket) this.discard(pending.socket);
      this.socket = undefined;
      this.setState('closed');
      pending.settle(
        fail(
          AppCode.Cancelled,
          `Binding UDP to ${formatEndpoint(this.config.host, this.config.port)} was cancelled.`,
          hintFor(AppCode.Cancelled),
        ),
      );
      return Promise.resolve(ok(this.info()));
    }
    if (this.currentState === 'closing') {
      return new Promise((resolve) => this.closeWaiters.push(resolve));
    }
    const socket = this.socket;
    if (!socket || this.currentState !== 'open') return Promise.resolve(ok(this.info()));
    this.memberships.clear();
    this.setState('closing');
    return new Promise((resolve) => {
      this.closeWaiters.push(resolve);
      try {
        socket.close();
      } catch {
        // Already closed underneath us: finish as if its 'close' had fired.
        this.socketClosed(socket);
      }
    });
  }

  async send(bytes: Uint8Array, to: SendTarget | undefined): Promise<Result<SendReceipt>> {
    if (this.currentState !== 'open' || !this.socket) return this.notOpen();
    const target = this.pickTarget(to);
    if (!target.ok) return target;
    const resolved = await this.resolveDestination(target.value.host, target.value.port);
    if (!resolved.ok) return resolved;
    // The lookup may have taken a while: the session may have closed meanwhile.
    const socket = this.socket;
    if (this.currentState !== 'open' || !socket) return this.notOpen();
    const dest = resolved.value;
    const where = formatEndpoint(dest.address, dest.port);

    const familyProblem = this.familyProblem(dest.family, `send to ${where}`);
    if (familyProblem) return { ok: false, error: familyProblem };

    const limit = this.socketType === 'udp6' && dest.family === 'IPv6' ? MAX_UDP_PAYLOAD_IPV6 : MAX_UDP_PAYLOAD_IPV4;
    if (bytes.byteLength > limit) {
      return fail(
        'EMSGSIZE',
        `The datagram is ${grouped(bytes.byteLength)} bytes, but UDP over ${dest.family} carries at most ${grouped(limit)}; nothing was sent to ${where}.`,
        hintFor('EMSGSIZE'),
      );
    }

    // A dual-stack socket cannot send to a plain IPv4 address (the OS says EINVAL): it needs
    // the IPv4-mapped form.
    const wire = this.socketType === 'udp6' && dest.family === 'IPv4' ? `::ffff:${dest.address}` : dest.address;
    const peer: Endpoint = { address: dest.address, port: dest.port, family: dest.family };
    const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    return new Promise((resolve) => {
      const done = (err: Error | null) => {
        if (err) {
          const error = socketError(err, 'send', { address: dest.address, port: dest.port });
          this.emitError(error);
          resolve({ ok: false, error });
          return;
        }
        count(this.counters, 'tx', bytes.byteLength);
        this.ctx.emit({ type: 'data', at: this.ctx.clock.now(), sessionId: this.id, dir: 'tx', peer, bytes });
        resolve(ok({ bytes: bytes.byteLength, targets: 1 }));
      };
      try {
        socket.send(buffer, dest.port, wire, done);
      } catch (err) {
        done(err instanceof Error ? err : new Error(String(err)));
      }
    });
  }

  override multicast(action: 'join' | 'leave', group: string, iface: string | undefined): Result<SessionInfo> {
    const socket = this.socket;
    if (this.currentState !== 'open' || !socket) return this.notOpen();
    const groupFamily = ipFamily(group);
    if (!groupFamily) return fail(AppCode.InvalidArgument, `${group} is not a multicast group address.`, hintFor(AppCode.InvalidArgument));
    const familyProblem = this.familyProblem(groupFamily, `${action} the ${groupFamily} group ${group}`);
    if (familyProblem) return { ok: false, error: familyProblem };

    const given = iface ?? this.config.multicastInterface;
    const resolved = given === undefined ? undefined : multicastInterfaceOf(given, groupFamily);
    if (resolved && !resolved.ok) return resolved;
    const chosen = resolved?.value;
    const named = given === chosen ? given : `${given} (${chosen})`;
    const where = chosen === undefined ? group : `${group} on interface ${named}`;
    // By the resolved form, so a join by name and a join by that interface's address are one membership.
    const key = `${group.toLowerCase()}|${chosen ?? ''}`;
    const joined = this.memberships.has(key);
    if (action === 'join') {
      if (joined)
        return fail(AppCode.BadState, `Session ${this.id} has already joined ${where}.`, 'Leave the group first, or join another one.');
      try {
        socket.addMembership(group, chosen);
      } catch (err) {
        return { ok: false, error: socketError(err, 'join', { address: where }) };
      }
      this.memberships.set(key, { group, iface: named });
    } else {
      if (!joined) {
        const current = [...this.memberships.values()].map((m) => (m.iface === undefined ? m.group : `${m.group} on interface ${m.iface}`));
        const list = current.length > 0 ? `It has joined: ${current.join(', ')}.` : 'It has joined no groups.';
        return fail(
          AppCode.BadState,
          `Session ${this.id} has not joined ${where}, so it cannot leave it. ${list}`,
          'Leave a group the session has joined, with the same interface.',
        );
      }
      try {
        socket.dropMembership(group, chosen);
      } catch (err) {
        return { ok: false, error: socketError(err, 'leave', { address: where }) };
      }
      this.memberships.delete(key);
    }
    this.announce();
    return ok(this.info());
  }

  // ── Opening ──────────────────────────────────────────────────────────────────────────────

  private async bind(pending: PendingOpen): Promise<void> {
    const { host, port, reuseAddress, ipv6Only } = this.config;
    const resolved = await this.resolveBindHost(host, port);
    if (pending.settled) return;
    if (!resolved.ok) {
      this.failOpen(pending, resolved.error);
      return;
    }
    const type: SocketType = resolved.value.family === 'IPv6' ? 'udp6' : 'udp4';
    let socket: Socket;
    try {
      socket = createSocket({ type, reuseAddr: reuseAddress, ipv6Only });
    } catch (err) {
      this.failOpen(pending, socketError(err, 'bind', { address: host, port }));
      return;
    }
    pending.socket = socket;
    this.socket = socket;
    this.socketType = type;

    const failed = (err: Error) => {
      this.discard(socket);
      this.failOpen(pending, socketError(err, 'bind', { address: host, port }));
    };
    socket.once('error', failed);
    socket.once('listening', () => {
      socket.off('error', failed);
      if (pending.settled) return;
      const address = socket.address();
      this.local = endpoint(address.address, address.port, address.family);
      const optionError = this.applyOptions(socket);
      if (optionError) {
        this.discard(socket);
        this.failOpen(pending, optionError);
        return;
      }
      socket.on('message', (msg, rinfo) => this.received(socket, msg, rinfo));
      socket.on('error', (err) => this.socketFailed(socket, err));
      socket.on('close', () => this.socketClosed(socket));
      this.setState('open');
      pending.settle(ok(this.info()));
    });
    try {
      socket.bind({ port, address: resolved.value.address });
    } catch (err) {
      failed(err instanceof Error ? err : new Error(String(err)));
    }
  }

  /**
   * Options that need a bound socket. Buffer sizes are set here rather than passed to
   * createSocket: Node applies those inside its own bind callback and throws there when the OS
   * refuses (macOS caps SO_RCVBUF), which no caller could catch.
   */
  private applyOptions(socket: Socket): AppError | undefined {
    const { broadcast, recvBufferSize, sendBufferSize, multicastTtl, multicastLoopback, multicastInterface } = this.config;
    const steps: [string, unknown, () => void][] = [];
    if (broadcast) steps.push(['broadcast', true, () => socket.setBroadcast(true)]);
    if (recvBufferSize !== undefined) steps.push(['recvBufferSize', recvBufferSize, () => socket.setRecvBufferSize(recvBufferSize)]);
    if (sendBufferSize !== undefined) steps.push(['sendBufferSize', sendBufferSize, () => socket.setSendBufferSize(sendBufferSize)]);
    if (multicastTtl !== undefined) steps.push(['multicastTtl', multicastTtl, () => socket.setMulticastTTL(multicastTtl)]);
    if (multicastLoopback !== undefined)
      steps.push(['multicastLoopback', multicastLoopback, () => socket.setMulticastLoopback(multicastLoopback)]);
    if (multicastInterface !== undefined) {
      const resolved = multicastInterfaceOf(multicastInterface, this.socketType === 'udp6' ? 'IPv6' : 'IPv4');
      if (!resolved.ok) return { ...resolved.error, message: `${resolved.error.message} The option was multicastInterface.` };
      steps.push(['multicastInterface', multicastInterface, () => socket.setMulticastInterface(resolved.value)]);
    }
    if (recvBufferSize === undefined) {
      try {
        socket.setRecvBufferSize(UDP_DEFAULT_RECV_BUFFER_BYTES);
      } catch {
        // Only a preference (macOS refuses sizes over kern.ipc.maxsockbuf): the OS default stays.
      }
    }
    for (const [name, value, apply] of steps) {
      try {
        apply();
      } catch (err) {
        const local = this.local ?? { address: this.config.host, port: this.config.port };
        const error = socketError(err, 'option', { address: local.address, port: local.port });
        return { ...error, message: `${error.message} The option was ${name} = ${JSON.stringify(value)}.` };
      }
    }
    return undefined;
  }

  private failOpen(pending: PendingOpen, error: AppError): void {
    if (pending.settled) return;
    this.socket = undefined;
    this.local = undefined;
    this.setState('error', error);
    pending.settle({ ok: false, error });
  }

  /** Close a socket we no longer want, whatever state it is in, without letting it throw. */
  private discard(socket: Socket): void {
    socket.removeAllListeners();
    socket.on('error', () => undefined);
    try {
      socket.close();
    } catch {
      // Never bound, or already closed: nothing left to release.
    }
  }

  // ── Events of the open socket ────────────────────────────────────────────────────────────

  private received(socket: Socket, msg: Buffer, rinfo: RemoteInfo): void {
    if (socket !== this.socket) return;
    const last = this.lastSender;
    // A flood comes from one sender: its endpoint is worked out once and shared by its
    // datagrams' events (frozen, as nothing downstream may change it).
    const same = last !== undefined && last.port === rinfo.port && this.lastSenderAddress === rinfo.address;
    const peer = same ? last : Object.freeze(endpoint(rinfo.address, rinfo.port, rinfo.family));
    count(this.counters, 'rx', msg.byteLength);
    const changed = !last || last.address !== peer.address || last.port !== peer.port;
    this.lastSender = peer;
    this.lastSenderAddress = rinfo.address;
    this.ctx.emit({
      type: 'data',
      at: this.ctx.clock.now(),
      sessionId: this.id,
      dir: 'rx',
      peer,
      bytes: new Uint8Array(msg.buffer, msg.byteOffset, msg.byteLength),
    });
    if (changed) this.announce();
  }

  /** After bind, errors come from receiving (or ICMP reports on some systems): the socket still works. */
  private socketFailed(socket: Socket, err: Error): void {
    if (socket !== this.socket) return;
    const local = this.local ?? { address: this.config.host, port: this.config.port };
    this.emitError(socketError(err, 'receive', { address: local.address, port: local.port }));
  }

  private socketClosed(socket: Socket): void {
    if (socket !== this.socket) return;
    this.socket = undefined;
    this.memberships.clear();
    this.setState('closed');
    const waiters = this.closeWaiters;
    this.closeWaiters = [];
    for (const resolve of waiters) resolve(ok(this.info()));
  }

  // ── Addresses ────────────────────────────────────────────────────────────────────────────

  private pickTarget(to: SendTarget | undefined): Result<{ host: string; port: number }> {
    if (to === undefined) {
      const remote = this.config.remote;
      if (!remote) {
        return fail(
          AppCode.NoTarget,
          `Session ${this.id} has no remote configured, so a send without a target has nowhere to go.`,
          'Name a host and port, reply to the last sender, or set a remote for the session.',
        );
      }
      return ok({ host: remote.host, port: remote.port });
    }
    switch (to.type) {
      case 'address':
        return ok({ host: to.host, port: to.port });
      case 'last-sender':
        if (!this.lastSender) {
          return fail(
            AppCode.NoTarget,
            'No datagram received yet, so there is no last sender to reply to.',
            'Wait for a datagram, or name a host and port.',
          );
        }
        return ok({ host: this.lastSender.address, port: this.lastSender.port });
      case 'all':
      case 'connections':
        return fail(
          AppCode.NoTarget,
          `A UDP session has no connections to send to (${to.type === 'all' ? 'all connections' : 'named connections'}).`,
          'Name a host and port, reply to the last sender, or set a remote for the session.',
        );
    }
  }

  /** The bind host: a literal as it is, a name looked up once (its first address decides the family). */
  private async resolveBindHost(host: string, port: number): Promise<Result<ResolvedHost>> {
    const family = ipFamily(host);
    if (family) return ok({ address: host, family });
    try {
      const found = await lookup(host);
      return ok({ address: found.address, family: found.family === 6 ? 'IPv6' : 'IPv4' });
    } catch (err) {
      return { ok: false, error: socketError(err, 'bind', { address: host, port }) };
    }
  }

  /**
   * A destination: literals as they are (IPv4-mapped ones as IPv4), names looked up here rather
   * than by dgram, which asks only for the socket's own family and so cannot reach an
   * IPv4-only name from a dual-stack socket.
   */
  private async resolveDestination(host: string, port: number): Promise<Result<Destination>> {
    const literal = unmapIPv4(host);
    const family = ipFamily(literal);
    if (family) return ok({ address: literal, family, port });
    try {
      if (this.socketType === 'udp4') {
        const found = await lookup(host, { family: 4 });
        return ok({ address: found.address, family: 'IPv4', port });
      }
      const all = await lookup(host, { all: true });
      const usable = all.filter((a) => (a.family === 6 && !MAPPED_IPV4.test(a.address) ? this.carriesIPv6 : this.carriesIPv4));
      const found = usable[0] ?? all[0];
      if (!found)
        return {
          ok: false,
          error: appError('ENOTFOUND', `Sending to ${formatEndpoint(host, port)} failed: the host name has no address.`),
        };
      return ok({
        address: unmapIPv4(found.address),
        family: found.family === 6 && !MAPPED_IPV4.test(found.address) ? 'IPv6' : 'IPv4',
        port,
      });
    } catch (err) {
      return { ok: false, error: socketError(err, 'send', { address: host, port }) };
    }
  }

  /**
   * A udp6 socket on `::` without ipv6Only also carries IPv4, as `::ffff:a.b.c.d`; one bound to
   * an IPv4-mapped address carries only IPv4.
   */
  private get carriesIPv4(): boolean {
    if (this.socketType !== 'udp6' || this.config.ipv6Only) return false;
    return this.local?.address === '::' || this.boundMapped;
  }

  private get carriesIPv6(): boolean {
    return this.socketType === 'udp6' && !this.boundMapped;
  }

  /** An IPv6 socket bound to `::ffff:a.b.c.d`, whose local endpoint reads as IPv4. */
  private get boundMapped(): boolean {
    return this.socketType === 'udp6' && this.local?.family === 'IPv4';
  }

  /** Why this socket cannot reach an address of `family`, checked before the OS gives a vaguer answer. */
  private familyProblem(family: AddressFamily, what: string): AppError | undefined {
    const bound = this.local ? formatEndpoint(this.local.address, this.local.port) : this.config.host;
    if (family === 'IPv6' && !this.carriesIPv6) {
      return appError(
        AppCode.InvalidArgument,
        `This socket is IPv4 (bound to ${bound}), so it cannot ${what}. Bind to :: or an IPv6 address for IPv6.`,
      );
    }
    if (family === 'IPv4' && this.socketType === 'udp6' && !this.carriesIPv4) {
      const why = this.config.ipv6Only ? 'IPv6-only (ipv6Only is on)' : `IPv6 and bound to ${bound}, which carries no IPv4`;
      return appError(
        AppCode.InvalidArgument,
        `This socket is ${why}, so it cannot ${what}. Bind to :: with ipv6Only off for both families, or to an IPv4 address.`,
      );
    }
    return undefined;
  }
}
