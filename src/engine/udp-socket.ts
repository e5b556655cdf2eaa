import { createSocket, type RemoteInfo, type Socket, type SocketType } from 'node:dgram';
import { networkInterfaces } from 'node:os';
import type { SendOrigin, SendReceipt, SendTarget, SessionInfo, UdpConfig } from '@shared/contract';
import { formatEndpoint, ipFamily, isMulticast, type AddressFamily, type Endpoint } from '@shared/address';
import { AppCode, hintFor } from '@shared/errors';
import { MAX_UDP_PAYLOAD_IPV4, MAX_UDP_PAYLOAD_IPV6, UDP_DEFAULT_RECV_BUFFER_BYTES } from '@shared/limits';
import { listed, phrase, type Phrase } from '@shared/phrase';
import { fail, ok, withMessage, type AppError, type Result } from '@shared/result';
import type { EngineContext } from './context';
import { count } from '@shared/counters';
import { endpoint, unmapIPv4 } from './endpoint';
import { describeResolved, resolveHost, type ResolvedAddress } from './resolve';
import { SessionBase } from './session';
import { appError, followedBy, socketError } from './socket-errors';

interface ResolvedHost {
  address: string;
  family: AddressFamily;
}

interface Destination extends ResolvedHost {
  port: number;
}

/** One bound socket: a session on a host name has one per address the name resolves to. */
interface Bound {
  socket: Socket;
  type: SocketType;
  local: Endpoint;
}

interface PendingOpen {
  settled: boolean;
  sockets: Socket[];
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
    return fail(AppCode.InvalidArgument, phrase('udp.noInterface', { name: iface, known }), phrase('hint.nameInterface'));
  }
  const own = addresses.find((a) => a.family === family);
  if (!own) {
    return fail(
      AppCode.InvalidArgument,
      phrase('udp.interfaceFamily', { name: iface, family }),
      phrase('hint.interfaceFamily', { family }),
    );
  }
  if (family === 'IPv4') return ok(own.address);
  return ok(process.platform === 'win32' ? `::%${own.scopeid ?? 0}` : `::%${iface}`);
}

interface Membership {
  group: string;
  iface: string | undefined;
}

/**
 * A UDP socket: binds one address and port, receives datagrams from anyone, and sends from that
 * same socket (so devices that answer to the source port answer to us) to an address, the
 * configured remote, or whoever sent last. Multicast groups are joined on the same socket.
 *
 * A host name binds every address it resolves to, on one port, a socket each: datagrams are
 * received on all of them, a reply to the last sender leaves from the socket that received it,
 * and a send to an address leaves from the first socket that can reach its family.
 */
export class UdpSession extends SessionBase<UdpConfig> {
  private bound: Bound[] = [];
  private pendingOpen: PendingOpen | undefined;
  private closeWaiters: ((result: Result<SessionInfo>) => void)[] = [];
  private lastSender: Endpoint | undefined;
  /** The last sender's address as the socket reported it (before an IPv4-mapped one is unmapped). */
  private lastSenderAddress: string | undefined;
  /** The socket the last datagram arrived on, which replies to its sender leave from. */
  private lastSenderSocket: Bound | undefined;
  /** With `connect`: the one peer the socket is connected to. */
  private connectedPeer: Endpoint | undefined;
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
    const refused = this.alreadyActive();
    if (refused) return refused;
    this.local = undefined;
    this.locals = undefined;
    this.lastSender = undefined;
    this.lastSenderSocket = undefined;
    this.memberships.clear();
    this.setState('opening');
    return new Promise((resolve) => {
      const pending: PendingOpen = {
        settled: false,
        sockets: [],
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
      for (const socket of pending.sockets) this.discard(socket);
      this.bound = [];
      this.setState('closed');
      pending.settle(
        fail(
          AppCode.Cancelled,
          phrase('udp.cancelled', { where: formatEndpoint(this.config.host, this.config.port) }),
          hintFor(AppCode.Cancelled),
        ),
      );
      return Promise.resolve(ok(this.info()));
    }
    if (this.currentState === 'closing') {
      return new Promise((resolve) => this.closeWaiters.push(resolve));
    }
    const bound = [...this.bound];
    if (bound.length === 0 || this.currentState !== 'open') return Promise.resolve(ok(this.info()));
    this.memberships.clear();
    this.setState('closing');
    return new Promise((resolve) => {
      this.closeWaiters.push(resolve);
      for (const { socket } of bound) {
        try {
          socket.close();
        } catch {
          // Already closed underneath us: finish as if its 'close' had fired.
          this.socketClosed(socket);
        }
      }
    });
  }

  async send(bytes: Uint8Array, to: SendTarget | undefined, origin?: SendOrigin): Promise<Result<SendReceipt>> {
    if (this.currentState !== 'open' || this.bound.length === 0) return this.notOpen();
    const target = this.pickTarget(to);
    if (!target.ok) return target;
    const resolved = await this.resolveDestination(target.value.host, target.value.port);
    if (!resolved.ok) return resolved;
    // The lookup may have taken a while: the session may have closed meanwhile.
    if (this.currentState !== 'open' || this.bound.length === 0) return this.notOpen();
    const dest = resolved.value;
    const where = formatEndpoint(dest.address, dest.port);

    const familyProblem = this.familyProblem(dest.family, phrase('udp.whatSend', { where }));
    if (familyProblem) return { ok: false, error: familyProblem };
    const from = this.socketFor(dest);
    const socket = from.socket;

    const limit = from.type === 'udp6' && dest.family === 'IPv6' ? MAX_UDP_PAYLOAD_IPV6 : MAX_UDP_PAYLOAD_IPV4;
    if (bytes.byteLength > limit) {
      return fail('EMSGSIZE', phrase('udp.tooLarge', { size: bytes.byteLength, family: dest.family, limit, where }), hintFor('EMSGSIZE'));
    }

    const connected = this.connectedPeer;
    if (connected && (connected.address !== dest.address || connected.port !== dest.port)) {
      return fail(
        AppCode.BadState,
        phrase('udp.connectedElsewhere', { peer: formatEndpoint(connected.address, connected.port), where }),
        phrase('hint.connectedUdp'),
      );
    }
    const peer: Endpoint = { address: dest.address, port: dest.port, family: dest.family };
    const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    return new Promise((resolve) => {
      const done = (err: Error | null) => {
        if (err) {
          const error = socketError(err, isMulticast(dest.address) ? 'send-multicast' : 'send', { address: dest.address, port: dest.port });
          this.emitError(error);
          resolve({ ok: false, error });
          return;
        }
        count(this.counters, 'tx', bytes.byteLength);
        this.ctx.emit({
          type: 'data',
          at: this.ctx.clock.now(),
          sessionId: this.id,
          dir: 'tx',
          peer,
          bytes,
          ...(origin ? { origin } : {}),
        });
        resolve(ok({ bytes: bytes.byteLength, targets: 1 }));
      };
      try {
        // A connected socket takes no address (Node throws if given one).
        if (connected) socket.send(buffer, done);
        else socket.send(buffer, dest.port, wireAddress(from, dest), done);
      } catch (err) {
        done(err instanceof Error ? err : new Error(String(err)));
      }
    });
  }

  override multicast(action: 'join' | 'leave', group: string, iface: string | undefined): Result<SessionInfo> {
    if (this.currentState !== 'open' || this.bound.length === 0) return this.notOpen();
    const groupFamily = ipFamily(group);
    if (!groupFamily) return fail(AppCode.InvalidArgument, phrase('udp.notMulticast', { group }), hintFor(AppCode.InvalidArgument));
    const familyProblem = this.familyProblem(
      groupFamily,
      phrase(action === 'join' ? 'udp.whatJoin' : 'udp.whatLeave', { family: groupFamily, group }),
    );
    if (familyProblem) return { ok: false, error: familyProblem };
    const socket = this.socketFor({ address: group, family: groupFamily, port: 0 }).socket;

    const given = iface ?? this.config.multicastInterface;
    const resolved = given === undefined ? undefined : multicastInterfaceOf(given, groupFamily);
    if (resolved && !resolved.ok) return resolved;
    const chosen = resolved?.value;
    const named = given === chosen ? given : `${given} (${chosen})`;
    const where = chosen === undefined ? group : phrase('udp.groupOn', { group, iface: named ?? '' });
    // By the resolved form, so a join by name and a join by that interface's address are one membership.
    const key = `${group.toLowerCase()}|${chosen ?? ''}`;
    const joined = this.memberships.has(key);
    if (action === 'join') {
      if (joined) return fail(AppCode.BadState, phrase('udp.alreadyJoined', { sessionId: this.id, where }), phrase('hint.leaveFirst'));
      try {
        socket.addMembership(group, chosen);
      } catch (err) {
        return { ok: false, error: socketError(err, 'join', { address: where }) };
      }
      this.memberships.set(key, { group, iface: named });
    } else {
      if (!joined) {
        const current = [...this.memberships.values()].map((m) =>
          m.iface === undefined ? phrase('verbatim', { text: m.group }) : phrase('udp.groupOn', { group: m.group, iface: m.iface }),
        );
        const list = current.length > 0 ? phrase('udp.joinedList', { list: listed(current) }) : phrase('udp.joinedNone');
        return fail(AppCode.BadState, phrase('udp.notJoined', { sessionId: this.id, where, joined: list }), phrase('hint.leaveJoined'));
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

  /**
   * Bind every address the host resolves to, on one port (port 0: the port the first one got),
   * or none: if one cannot be bound, the others are closed and the error names it.
   */
  private async bind(pending: PendingOpen): Promise<void> {
    const { host, port } = this.config;
    this.connectedPeer = undefined;
    let addresses: ResolvedAddress[];
    try {
      addresses = await resolveHost(host, this.ctx.lookup);
    } catch (err) {
      this.failOpen(pending, socketError(err, 'bind', { address: host, port }));
      return;
    }
    const bound: Bound[] = [];
    for (const { address, family } of addresses) {
      if (pending.settled) return;
      const bindPort = bound[0]?.local.port ?? port;
      let one = await this.bindOne(pending, address, family, bindPort);
      if (pending.settled) return;
      if (!('socket' in one)) {
        if (addresses.length > 1) {
          one = followedBy(one, phrase('resolved.allOrNone.bind', { host: describeResolved(host, addresses) }));
        }
        for (const socket of pending.sockets) this.discard(socket);
        this.failOpen(pending, one);
        return;
      }
      bound.push(one);
    }
    if (this.config.connect) {
      const connected = await this.connectTo(pending, bound);
      if (!connected) return;
      bound.splice(0, bound.length, connected);
    }
    for (const b of bound) {
      b.socket.on('message', (msg, rinfo) => this.received(b, msg, rinfo));
      b.socket.on('error', (err) => this.socketFailed(b, err));
      b.socket.on('close', () => this.socketClosed(b.socket));
    }
    this.bound = bound;
    this.local = bound[0]!.local;
    this.locals = bound.map((b) => b.local);
    this.setState('open');
    pending.settle(ok(this.info()));
  }

  /**
   * UDP connect: the socket that can reach the remote is connected to it and kept; the others
   * are closed, since they would still take datagrams from anyone.
   */
  private async connectTo(pending: PendingOpen, bound: Bound[]): Promise<Bound | undefined> {
    const discardAll = () => bound.forEach((b) => this.discard(b.socket));
    const remote = this.config.remote;
    if (!remote) {
      discardAll();
      this.failOpen(pending, appError(AppCode.InvalidArgument, phrase('udp.connectNeedsRemote')));
      return undefined;
    }
    // Resolved and checked against these sockets, as a send would be.
    this.bound = bound;
    const resolved = await this.resolveDestination(remote.host, remote.port);
    const problem = resolved.ok
      ? this.familyProblem(resolved.value.family, phrase('udp.whatConnect', { where: formatEndpoint(remote.host, remote.port) }))
      : resolved.error;
    this.bound = [];
    if (pending.settled) return undefined;
    if (!resolved.ok || problem) {
      discardAll();
      this.failOpen(pending, problem ?? appError(AppCode.Internal, phrase('udp.remoteUnresolved')));
      return undefined;
    }
    const dest = resolved.value;
    const chosen = bound.find((b) => carries(b, dest.family, this.config.ipv6Only)) ?? bound[0]!;
    for (const b of bound) if (b !== chosen) this.discard(b.socket);
    const failure = await new Promise<AppError | undefined>((resolve) => {
      try {
        chosen.socket.connect(dest.port, wireAddress(chosen, dest), (err?: Error) =>
          resolve(err ? socketError(err, 'connect', { address: dest.address, port: dest.port }) : undefined),
        );
      } catch (err) {
        resolve(socketError(err, 'connect', { address: dest.address, port: dest.port }));
      }
    });
    if (pending.settled) return undefined;
    if (failure) {
      this.discard(chosen.socket);
      this.failOpen(pending, failure);
      return undefined;
    }
    this.connectedPeer = { address: dest.address, port: dest.port, family: dest.family };
    return chosen;
  }

  /** One socket bound to one address, its options applied; or why not. */
  private bindOne(pending: PendingOpen, address: string, family: AddressFamily, port: number): Promise<Bound | AppError> {
    const { reuseAddress, ipv6Only } = this.config;
    const type: SocketType = family === 'IPv6' ? 'udp6' : 'udp4';
    let socket: Socket;
    try {
      socket = createSocket({ type, reuseAddr: reuseAddress, ipv6Only });
    } catch (err) {
      return Promise.resolve(socketError(err, 'bind', { address, port }));
    }
    pending.sockets.push(socket);
    return new Promise((resolve) => {
      const failed = (err: Error) => {
        this.discard(socket);
        resolve(socketError(err, 'bind', { address, port }));
      };
      socket.once('error', failed);
      socket.once('listening', () => {
        socket.off('error', failed);
        const info = socket.address();
        const local = endpoint(info.address, info.port, info.family);
        const optionError = this.applyOptions(socket, local);
        if (optionError) {
          this.discard(socket);
          resolve(optionError);
          return;
        }
        resolve({ socket, type, local });
      });
      try {
        socket.bind({ port, address });
      } catch (err) {
        failed(err instanceof Error ? err : new Error(String(err)));
      }
    });
  }

  /**
   * Options that need a bound socket. Buffer sizes are set here rather than passed to
   * createSocket: Node applies those inside its own bind callback and throws there when the OS
   * refuses (macOS caps SO_RCVBUF), which no caller could catch.
   */
  private applyOptions(socket: Socket, local: Endpoint): AppError | undefined {
    const { broadcast, recvBufferSize, sendBufferSize, ttl, multicastTtl, multicastLoopback, multicastInterface } = this.config;
    const steps: [string, unknown, () => void][] = [];
    if (broadcast) steps.push(['broadcast', true, () => socket.setBroadcast(true)]);
    if (recvBufferSize !== undefined) steps.push(['recvBufferSize', recvBufferSize, () => socket.setRecvBufferSize(recvBufferSize)]);
    if (sendBufferSize !== undefined) steps.push(['sendBufferSize', sendBufferSize, () => socket.setSendBufferSize(sendBufferSize)]);
    if (ttl !== undefined) steps.push(['ttl', ttl, () => socket.setTTL(ttl)]);
    if (multicastTtl !== undefined) steps.push(['multicastTtl', multicastTtl, () => socket.setMulticastTTL(multicastTtl)]);
    if (multicastLoopback !== undefined)
      steps.push(['multicastLoopback', multicastLoopback, () => socket.setMulticastLoopback(multicastLoopback)]);
    if (multicastInterface !== undefined) {
      const resolved = multicastInterfaceOf(multicastInterface, local.family);
      if (!resolved.ok)
        return withMessage(resolved.error, phrase('udp.optionWas', { error: resolved.error.i18n.message, name: 'multicastInterface' }));
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
        const error = socketError(err, 'option', { address: local.address, port: local.port });
        return withMessage(error, phrase('udp.optionValueWas', { error: error.i18n.message, name, value: JSON.stringify(value) }));
      }
    }
    return undefined;
  }

  private failOpen(pending: PendingOpen, error: AppError): void {
    if (pending.settled) return;
    this.bound = [];
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

  private received(bound: Bound, msg: Buffer, rinfo: RemoteInfo): void {
    if (!this.bound.includes(bound)) return;
    const last = this.lastSender;
    // A flood comes from one sender: its endpoint is worked out once and shared by its
    // datagrams' events (frozen, as nothing downstream may change it).
    const same = last !== undefined && last.port === rinfo.port && this.lastSenderAddress === rinfo.address;
    const peer = same ? last : Object.freeze(endpoint(rinfo.address, rinfo.port, rinfo.family));
    count(this.counters, 'rx', msg.byteLength);
    const changed = !last || last.address !== peer.address || last.port !== peer.port;
    this.lastSender = peer;
    this.lastSenderAddress = rinfo.address;
    this.lastSenderSocket = bound;
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
  private socketFailed(bound: Bound, err: Error): void {
    if (!this.bound.includes(bound)) return;
    this.emitError(socketError(err, 'receive', { address: bound.local.address, port: bound.local.port }));
  }

  /** The session is closed once its last socket is. */
  private socketClosed(socket: Socket): void {
    const remaining = this.bound.filter((b) => b.socket !== socket);
    if (remaining.length === this.bound.length) return;
    this.bound = remaining;
    if (remaining.length > 0) return;
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
        return fail(AppCode.NoTarget, phrase('udp.noRemote', { sessionId: this.id }), phrase('hint.udpTarget'));
      }
      return ok({ host: remote.host, port: remote.port });
    }
    switch (to.type) {
      case 'address':
        return ok({ host: to.host, port: to.port });
      case 'last-sender':
        if (!this.lastSender) {
          return fail(AppCode.NoTarget, phrase('udp.noLastSender'), phrase('hint.waitForDatagram'));
        }
        return ok({ host: this.lastSender.address, port: this.lastSender.port });
      case 'all':
      case 'connections':
        return fail(
          AppCode.NoTarget,
          phrase('udp.noConnections', { which: phrase(to.type === 'all' ? 'udp.allConnections' : 'udp.namedConnections') }),
          phrase('hint.udpTarget'),
        );
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
    let all: ResolvedAddress[];
    try {
      all = await resolveHost(host, this.ctx.lookup);
    } catch (err) {
      return { ok: false, error: socketError(err, 'send', { address: host, port }) };
    }
    // The first address, in the resolver's order, that one of the sockets can reach; if none can,
    // the first, which familyProblem then explains.
    const found = all.find((a) => this.bound.some((b) => carries(b, a.family, this.config.ipv6Only))) ?? all[0]!;
    return ok({ ...found, port });
  }

  /**
   * The socket a datagram to `dest` leaves from: the one its last datagram arrived on when it is
   * the last sender, else the first that can reach its family.
   */
  private socketFor(dest: Destination): Bound {
    const last = this.lastSender;
    if (
      this.lastSenderSocket &&
      last &&
      last.address === dest.address &&
      last.port === dest.port &&
      this.bound.includes(this.lastSenderSocket)
    ) {
      return this.lastSenderSocket;
    }
    return this.bound.find((b) => carries(b, dest.family, this.config.ipv6Only)) ?? this.bound[0]!;
  }

  /** Why no socket of the session can reach an address of `family`, checked before the OS gives a vaguer answer. */
  private familyProblem(family: AddressFamily, what: Phrase): AppError | undefined {
    const { ipv6Only } = this.config;
    if (this.bound.some((b) => carries(b, family, ipv6Only))) return undefined;
    const bound =
      this.bound.length > 0 ? this.bound.map((b) => formatEndpoint(b.local.address, b.local.port)).join(', ') : this.config.host;
    if (family === 'IPv6') {
      return appError(AppCode.InvalidArgument, phrase('udp.familyV4', { bound, what }));
    }
    return appError(AppCode.InvalidArgument, phrase(ipv6Only ? 'udp.familyV6Only' : 'udp.familyV6', { bound, what }));
  }
}

/**
 * The address to hand the OS: a dual-stack socket cannot send to a plain IPv4 address (the OS
 * says EINVAL), it needs the IPv4-mapped form.
 */
function wireAddress(bound: Bound, dest: Destination): string {
  return bound.type === 'udp6' && dest.family === 'IPv4' ? `::ffff:${dest.address}` : dest.address;
}

/**
 * Whether a socket can reach an address of `family`. A udp6 socket on `::` without ipv6Only
 * also carries IPv4, as `::ffff:a.b.c.d`; one bound to an IPv4-mapped address (its local
 * endpoint reads as IPv4) carries only IPv4.
 */
function carries(bound: Bound, family: AddressFamily, ipv6Only: boolean): boolean {
  if (bound.type === 'udp4') return family === 'IPv4';
  const mapped = bound.local.family === 'IPv4';
  if (family === 'IPv6') return !mapped;
  return !ipv6Only && (bound.local.address === '::' || mapped);
}
