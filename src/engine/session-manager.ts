import type {
  Automation,
  EngineApi,
  EventBatch,
  InspectorEvent,
  MethodResults,
  ParsedArgs,
  SequenceStep,
  SessionConfig,
  SessionInfo,
} from '@shared/contract';
import { AppCode, hintFor } from '@shared/errors';
import { compilePayload, encodePayload, renderPayload } from '@shared/payload';
import type { ReplyTemplate } from '@shared/reply-template';
import { phrase } from '@shared/phrase';
import { appError, fail, ok, type Result } from '@shared/result';
import { systemClock, type Clock, type TimerHandle } from '@ports/clock';
import { sequentialIds, type EngineContext, type IdSource } from './context';
import { EventBatcher } from './event-batcher';
import { LogRetention } from './log-retention';
import type { RecorderPort } from '@ports/recorder';
import type { Session } from './session';
import { TcpClient } from './tcp-client';
import { TcpListener } from './tcp-listener';
import { UdpSession } from './udp-socket';
import { systemLookup, type HostLookup } from './resolve';
import { SendBudget } from './send-budget';
import { MAX_SEND_BUDGET_BYTES } from '@shared/limits';
import { localAddresses } from './local-addresses';
import { selfSignedCertificate } from './self-signed';
import { KeyStore, type HeldKey } from './key-store';
import { namesKeys, withResolvedKeys } from './tls-options';
import { checkAutomation, SessionAutomation } from './automation';
import { RelayBase, TcpRelay } from './relay';
import { UdpRelay } from './relay-udp';

export interface ManagerOptions {
  /** Receives every flush of the event queue. */
  onBatch: (batch: EventBatch) => void;
  /**
   * The transport still has earlier batches to get out (a full WebSocket or stdout buffer):
   * flushes wait and data is counted as not shown. Left out, the transport is never behind.
   */
  sinkBehind?: () => boolean;
  clock?: Clock;
  ids?: IdSource;
  flushIntervalMs?: number;
  flushMaxBytes?: number;
  flushMaxDataEvents?: number;
  flushMergeAfter?: number;
  /** Records sessions to disk; without one, nothing is recorded and `record` answers so. */
  recorder?: RecorderPort;
  /**
   * Every byte received over TCP reaches onBatch: instead of counting data as not shown while
   * the sink is behind, reading from TCP peers pauses until it catches up (stdio --lossless).
   */
  lossless?: boolean;
  /** Resolves host names; the OS resolver unless a test gives a name the addresses it needs. */
  lookup?: HostLookup;
  /**
   * Where main keeps the private keys of saved sessions (a `keys` folder in the app's own
   * configuration folder); left out, keys live in memory only.
   */
  keyFolder?: string;
}

type Answer<M extends keyof MethodResults> = Promise<Result<MethodResults[M]>>;

function createSession(id: string, config: SessionConfig, ctx: EngineContext): Session {
  switch (config.kind) {
    case 'tcp-server':
      return new TcpListener(id, config, ctx);
    case 'tcp-client':
      return new TcpClient(id, config, ctx);
    case 'udp':
      return new UdpSession(id, config, ctx);
    case 'relay':
      return config.transport === 'udp' ? new UdpRelay(id, config, ctx) : new TcpRelay(id, config, ctx);
  }
}

/** Whether a session's config names the key `keyRef` on either of its TLS sides. */
function namesKey(config: SessionConfig, keyRef: string): boolean {
  if (config.kind === 'udp') return false;
  return config.tls?.keyRef === keyRef || (config.kind === 'relay' && config.upstreamTls?.keyRef === keyRef);
}

/** The first send step whose payload cannot be compiled, named by its place. */
function firstBadPayload(steps: readonly SequenceStep[], path: number[] = []): Result<never> | undefined {
  for (const [index, step] of steps.entries()) {
    const at = [...path, index];
    if (step.kind === 'send') {
      const template = compilePayload(step.payload);
      if (!template.ok) {
        const number = at.map((i) => i + 1).join('.');
        return fail(
          template.error.code,
          step.name === ''
            ? phrase('sequence.badStep', { number, problem: template.error.i18n.message })
            : phrase('sequence.badNamedStep', { number, name: step.name, problem: template.error.i18n.message }),
          template.error.i18n.hint,
        );
      }
    } else if (step.kind === 'repeat') {
      const inner = firstBadPayload(step.steps, at);
      if (inner) return inner;
    }
  }
  return undefined;
}

/**
 * Owns every session and the event batcher, and implements the API that every transport
 * (Electron IPC, WebSocket, stdio) calls after validating arguments.
 */
export class SessionManager implements EngineApi {
  private readonly sessions = new Map<string, Session>();
  private readonly automations = new Map<string, SessionAutomation>();
  private readonly batcher: EventBatcher;
  private readonly retention = new LogRetention();
  private readonly ctx: EngineContext;
  private readonly recorder: RecorderPort | undefined;
  /** Two reasons to stop reading from a session's peers: its recording is behind the disk, or the sink is behind. */
  private readonly recordingFull = new Set<string>();
  private sinkFull = false;
  /** Sessions told that their key log is not written, so each is told once. */
  private readonly keyLogUnwritten = new Set<string>();
  /** Removed with keepForUndoMs: closed, out of `sessions` so no method but restore and remove reaches them, forgotten at `until`. */
  private readonly removing = new Map<string, { session: Session; until: number; timer: TimerHandle }>();
  private readonly keyStore: KeyStore;

  constructor(options: ManagerOptions) {
    const clock = options.clock ?? systemClock;
    this.keyStore = new KeyStore(options.keyFolder);
    this.batcher = new EventBatcher({
      clock,
      sink: (batch) => {
        this.retention.keep(batch);
        options.onBatch(batch);
      },
      summarize: (ids) => this.summarize(ids),
      describe: (ids) => this.describe(ids),
      ...(options.sinkBehind ? { behind: options.sinkBehind } : {}),
      ...(options.flushIntervalMs !== undefined ? { intervalMs: options.flushIntervalMs } : {}),
      ...(options.flushMaxBytes !== undefined ? { maxBytes: options.flushMaxBytes } : {}),
      ...(options.flushMaxDataEvents !== undefined ? { maxDataEvents: options.flushMaxDataEvents } : {}),
      ...(options.flushMergeAfter !== undefined ? { mergeAfter: options.flushMergeAfter } : {}),
      ...(options.lossless
        ? {
            lossless: (full: boolean) => {
              this.sinkFull = full;
              for (const id of this.sessions.keys()) this.applyPause(id);
            },
          }
        : {}),
    });
    const recorder = options.recorder;
    this.recorder = recorder;
    recorder?.attach({
      emit: (event) => this.batcher.push(event),
      // The disk is slower than the network: stop reading until the recording catches up.
      backlogged: (sessionId, full) => {
        if (full) this.recordingFull.add(sessionId);
        else this.recordingFull.delete(sessionId);
        this.applyPause(sessionId);
      },
    });
    // The recorder sees each chunk before the batcher merges chunks for display; automation
    // sees it last, so a reply it sends at once comes after the message in the log.
    const emit = (event: InspectorEvent) => {
      recorder?.observe(event);
      this.batcher.push(this.decorated(event));
      this.toAutomation(event);
    };
    this.ctx = {
      clock,
      ids: options.ids ?? sequentialIds(),
      emit,
      lookup: options.lookup ?? systemLookup,
      sendBudget: new SendBudget(MAX_SEND_BUDGET_BYTES),
      keyLog: (sessionId, line) => this.keyLog(sessionId, line),
    };
  }

  private keyLog(sessionId: string, line: Uint8Array): void {
    if (this.recorder?.keyLog(sessionId, line) || this.keyLogUnwritten.has(sessionId)) return;
    this.keyLogUnwritten.add(sessionId);
    this.ctx.emit({
      type: 'error',
      at: this.ctx.clock.now(),
      sessionId,
      error: appError(AppCode.BadState, phrase('tls.keyLogNotRecorded', { sessionId }), phrase('hint.tls.keyLogNeedsRecording')),
    });
  }

  async open({ config: given, keepIfFailed }: ParsedArgs<'open'>): Answer<'open'> {
    // Only a config naming a key waits for the key store: any other starts its socket in the
    // caller's turn, so a close or remove sent right after the open finds the session opening.
    const resolved = namesKeys(given) ? await withResolvedKeys(given, this.keyStore) : ok(given);
    if (!resolved.ok) return resolved;
    const config = resolved.value;
    const heartbeat = this.automationBytes(config.automation, config.kind);
    if (!heartbeat.ok) return heartbeat;
    const session = createSession(this.ctx.ids.next('s'), config, this.ctx);
    this.sessions.set(session.id, session);
    const automation = new SessionAutomation(
      {
        id: session.id,
        kind: config.kind,
        hasRemote: config.kind === 'udp' && config.remote !== undefined,
        send: (bytes, to, origin) => session.send(bytes, to, origin),
        silenced: (connId, error, why, action) => session.silenced(connId, error, why, action),
      },
      this.ctx.clock,
      this.ctx.emit,
    );
    this.automations.set(session.id, automation);
    if (config.automation) automation.configure(config.automation, heartbeat.value);
    if (this.sinkFull) session.pauseReading(true);
    // The header goes first, so the file holds the session from its first event; a recording
    // that cannot start reports its error and leaves the session to open regardless.
    if (this.recorder && (config.record ?? this.recorder.recordByDefault)) await this.recorder.start(session.info());
    const opened = await session.open();
    if (opened.ok || keepIfFailed !== false) return this.answer(opened);
    // Auto-reconnect took the failure over: the session is real, and goes on trying.
    if (session.state === 'opening') return ok(this.decorate(session.info()));
    await this.recorder?.discard(session.id);
    this.forget(session.id);
    return opened;
  }

  async close({ sessionId }: ParsedArgs<'close'>): Answer<'close'> {
    const session = this.sessions.get(sessionId);
    return session ? this.answer(await session.close()) : this.missing(sessionId);
  }

  async reopen({ sessionId }: ParsedArgs<'reopen'>): Answer<'reopen'> {
    const session = this.sessions.get(sessionId);
    if (!session) return this.missing(sessionId);
    if (session.state !== 'closed' && session.state !== 'error') {
      const state = phrase(`state.${session.state}`);
      return fail(AppCode.BadState, phrase('session.onlyClosedReopen', { sessionId, state }), phrase('hint.closeFirst'));
    }
    return this.answer(await session.open());
  }

  async remove({ sessionId, keepForUndoMs }: ParsedArgs<'remove'>): Answer<'remove'> {
    const kept = this.removing.get(sessionId);
    if (kept) {
      this.ctx.clock.clearTimer(kept.timer);
      await this.removeNow(sessionId);
      return ok(null);
    }
    const session = this.sessions.get(sessionId);
    if (!session) return this.missing(sessionId);
    // Closed now either way: a listener kept for an undo must not hold its port while no one sees it.
    if (session.state !== 'closed' && session.state !== 'error') await session.close();
    if (keepForUndoMs === undefined) {
      await this.removeNow(sessionId);
      return ok(null);
    }
    this.sessions.delete(sessionId);
    const until = this.ctx.clock.now() + keepForUndoMs;
    const timer = this.ctx.clock.setTimer(() => void this.removeNow(sessionId), keepForUndoMs);
    this.removing.set(sessionId, { session, until, timer });
    this.ctx.emit({ type: 'session', at: this.ctx.clock.now(), session: session.info() });
    return ok(null);
  }

  async restore({ sessionId }: ParsedArgs<'restore'>): Answer<'restore'> {
    const kept = this.removing.get(sessionId);
    if (!kept) {
      if (this.sessions.has(sessionId))
        return fail(AppCode.BadState, phrase('session.notRemoving', { sessionId }), phrase('hint.restoreInTime'));
      return this.missing(sessionId);
    }
    this.ctx.clock.clearTimer(kept.timer);
    this.removing.delete(sessionId);
    this.sessions.set(sessionId, kept.session);
    const info = this.decorate(kept.session.info());
    this.ctx.emit({ type: 'session', at: this.ctx.clock.now(), session: info });
    return ok(info);
  }

  async send({ sessionId, payload, bytes: raw, to }: ParsedArgs<'send'>): Answer<'send'> {
    const session = this.sessions.get(sessionId);
    if (!session) return this.missing(sessionId);
    // The schema lets exactly one of the two through.
    if (raw !== undefined) return session.send(raw, to);
    if (payload === undefined) return fail(AppCode.InvalidArgument, phrase('send.payloadOrBytes'), hintFor(AppCode.InvalidArgument));
    const template = compilePayload(payload);
    if (!template.ok) return template;
    const bytes = renderPayload(template.value, this.automations.get(sessionId)?.macros());
    if (!bytes.ok) return bytes;
    return session.send(bytes.value, to);
  }

  async disconnect({ sessionId, connId, mode }: ParsedArgs<'disconnect'>): Answer<'disconnect'> {
    const session = this.sessions.get(sessionId);
    return session ? session.disconnect(connId, mode) : this.missing(sessionId);
  }

  async resetCounters({ sessionId, connId }: ParsedArgs<'resetCounters'>): Answer<'resetCounters'> {
    const session = this.sessions.get(sessionId);
    if (!session) return this.missing(sessionId);
    const reset = session.resetCounters(connId);
    // The page learns of the zeros as it learns of counts: a counters event, with the next flush.
    if (!reset.ok) return reset;
    const zeroed = new Set(connId !== undefined ? [connId] : session.info().connections.map((c) => c.connId));
    for (const event of this.summarize(new Map([[sessionId, zeroed]]))) this.batcher.push(event);
    return reset;
  }

  async multicast({ sessionId, action, group, interface: iface }: ParsedArgs<'multicast'>): Answer<'multicast'> {
    const session = this.sessions.get(sessionId);
    return session ? this.answer(session.multicast(action, group, iface)) : this.missing(sessionId);
  }

  async addresses(_args: ParsedArgs<'addresses'>): Answer<'addresses'> {
    return ok(localAddresses());
  }

  async certificate(args: ParsedArgs<'certificate'>): Answer<'certificate'> {
    const made = await selfSignedCertificate(args);
    const keyRef = this.keyStore.add(made.key, made.cert);
    return keyRef.ok ? ok({ cert: made.cert, keyRef: keyRef.value, summary: made.summary }) : keyRef;
  }

  async keys(args: ParsedArgs<'keys'>): Answer<'keys'> {
    switch (args.action) {
      case 'import': {
        const keyRef = this.keyStore.add(args.key);
        return keyRef.ok ? ok({ keyRef: keyRef.value }) : keyRef;
      }
      case 'keep': {
        const kept = await this.keyStore.keep(args.keyRef);
        return kept.ok ? ok({ keyRef: args.keyRef }) : kept;
      }
      case 'forget': {
        const inUse = [...this.sessions.values()].some((session) => namesKey(session.config, args.keyRef));
        await this.keyStore.forget(args.keyRef, inUse);
        return ok({ keyRef: args.keyRef });
      }
    }
  }

  /** Main's private keys, for the host's export of a certificate and its key (the one way a key leaves). */
  heldKey(keyRef: string): Promise<Result<HeldKey>> {
    return this.keyStore.get(keyRef);
  }

  async list(_args: ParsedArgs<'list'>): Answer<'list'> {
    const kept = [...this.removing.values()].map(({ session }) => this.decorate(session.info()));
    return ok([...[...this.sessions.values()].map((s) => this.decorate(s.info())), ...kept]);
  }

  async history({ after }: ParsedArgs<'history'>): Answer<'history'> {
    const recorded = (id: string) => this.recorder?.status(id) !== undefined;
    return ok({ seq: this.retention.lastSeq, logs: this.retention.history(after, recorded) });
  }

  async record({ sessionId, action }: ParsedArgs<'record'>): Answer<'record'> {
    const session = this.sessions.get(sessionId);
    if (!session) return this.missing(sessionId);
    if (!this.recorder) return this.noRecorder();
    const current = this.recorder.status(sessionId);
    if (action === 'stop') {
      if (!current?.active) return fail(AppCode.BadState, phrase('session.notRecorded', { sessionId }), phrase('hint.startRecordingFirst'));
      return this.recorder.stop(sessionId, 'stopped');
    }
    if (current?.active) return ok(current);
    return this.recorder.start(session.info());
  }

  async recordingSettings(patch: ParsedArgs<'recordingSettings'>): Answer<'recordingSettings'> {
    return this.recorder ? this.recorder.settings(patch) : this.noRecorder();
  }

  async automate({ sessionId, automation }: ParsedArgs<'automate'>): Answer<'automate'> {
    const session = this.sessions.get(sessionId);
    const runner = this.automations.get(sessionId);
    if (!session || !runner) return this.missing(sessionId);
    const heartbeat = this.automationBytes(automation, session.config.kind);
    if (!heartbeat.ok) return heartbeat;
    if (automation) session.config.automation = automation;
    else delete session.config.automation;
    runner.configure(automation, heartbeat.value);
    const info = this.decorate(session.info());
    this.ctx.emit({ type: 'session', at: this.ctx.clock.now(), session: info });
    return ok(info);
  }

  async repeat(args: ParsedArgs<'repeat'>): Answer<'repeat'> {
    const session = this.sessions.get(args.sessionId);
    const runner = this.automations.get(args.sessionId);
    if (!session || !runner) return this.missing(args.sessionId);
    if (args.action === 'stop') {
      const status = runner.stopRepeat();
      return status ? ok(status) : fail(AppCode.BadState, phrase('repeat.noneRunning', { id: args.sessionId }), phrase('hint.startFirst'));
    }
    if (session.state !== 'open') {
      return fail(
        AppCode.BadState,
        phrase('repeat.notOpen', { id: args.sessionId, state: phrase(`state.${session.state}`) }),
        phrase('hint.openFirst'),
      );
    }
    const template = compilePayload(args.payload);
    if (!template.ok) return template;
    // The first send is made now: a payload that cannot be made (a checksum range that does not fit) is refused, not a failed run.
    const first = renderPayload(template.value, runner.macros(), false);
    if (!first.ok) return first;
    return ok(runner.startRepeat(template.value, args.to, args.intervalMs, args.count));
  }

  async preview({ sessionId, payload }: ParsedArgs<'preview'>): Answer<'preview'> {
    const runner = this.automations.get(sessionId);
    if (!runner) return this.missing(sessionId);
    const bytes = encodePayload(payload, runner.macros(), false);
    return bytes.ok ? ok({ bytes: bytes.value }) : bytes;
  }

  async sequence(args: ParsedArgs<'sequence'>): Answer<'sequence'> {
    const session = this.sessions.get(args.sessionId);
    const runner = this.automations.get(args.sessionId);
    if (!session || !runner) return this.missing(args.sessionId);
    if (args.action === 'stop') {
      const status = runner.stopSequence();
      return status
        ? ok(status)
        : fail(AppCode.BadState, phrase('sequence.noneRunning', { id: args.sessionId }), phrase('hint.sequenceNoneRunning'));
    }
    if (session.state !== 'open') {
      return fail(
        AppCode.BadState,
        phrase('sequence.notOpen', { id: args.sessionId, state: phrase(`state.${session.state}`) }),
        phrase('hint.openFirst'),
      );
    }
    // Every payload is checked before anything is sent: a typo in step 9 must not leave the device half-driven.
    const bad = firstBadPayload(args.sequence.steps);
    if (bad) return bad;
    const run = runner.startSequence(args.sequence, args.to);
    if (args.action === 'start') return ok(run.status());
    const status = await run.done;
    return status.state === 'passed' ? ok(status) : fail(status.error!.code, status.error!.i18n.message, status.error!.i18n.hint);
  }

  async hold({ sessionId, flow, hold }: ParsedArgs<'hold'>): Answer<'hold'> {
    const relay = this.relay(sessionId);
    return relay.ok ? ok(this.decorate(relay.value.hold(flow, hold))) : relay;
  }

  async held(args: ParsedArgs<'held'>): Answer<'held'> {
    const relay = this.relay(args.sessionId);
    if (!relay.ok) return relay;
    switch (args.action) {
      case 'list':
        return ok(relay.value.heldMessages());
      case 'release':
        return relay.value.release(args);
      case 'drop':
        return relay.value.drop(args);
      case 'edit': {
        const bytes = encodePayload(args.payload);
        return bytes.ok ? relay.value.edit(args.id, bytes.value) : bytes;
      }
    }
  }

  async inject({ sessionId, connId, flow, payload, bytes: raw }: ParsedArgs<'inject'>): Answer<'inject'> {
    const relay = this.relay(sessionId);
    if (!relay.ok) return relay;
    // The schema lets exactly one of the two through.
    if (raw !== undefined) return relay.value.inject(connId, flow, raw);
    if (payload === undefined) return fail(AppCode.InvalidArgument, phrase('send.payloadOrBytes'), hintFor(AppCode.InvalidArgument));
    // Filled in as a send's: the same counters, so a relay's {{counter}} goes on from the last inject.
    const bytes = encodePayload(payload, this.automations.get(sessionId)?.macros());
    return bytes.ok ? relay.value.inject(connId, flow, bytes.value) : bytes;
  }

  /** Close every session, end every recording and deliver the last events: for app quit and test teardown. */
  async dispose(): Promise<void> {
    for (const runner of this.automations.values()) runner.dispose();
    for (const { timer } of this.removing.values()) this.ctx.clock.clearTimer(timer);
    await Promise.all([...this.sessions.values()].map((s) => s.close()));
    await this.recorder?.dispose();
    this.batcher.dispose();
  }

  /** Deliver queued events now rather than at the next tick. */
  flush(): void {
    this.batcher.flush();
  }

  private applyPause(sessionId: string): void {
    this.sessions.get(sessionId)?.pauseReading(this.sinkFull || this.recordingFull.has(sessionId));
  }

  /**
   * Counters of the sessions and connections that moved: a snapshot of every connection would
   * cost a listener with 5,000 idle clients 5,000 objects built, sent and rebuilt in the page
   * at every flush. The page keeps the others as they were, and gets all of them from `list`.
   */
  private summarize(moved: ReadonlyMap<string, ReadonlySet<string>>): InspectorEvent[] {
    const at = this.ctx.clock.now();
    const events: InspectorEvent[] = [];
    for (const [id, connIds] of moved) {
      const session = this.sessions.get(id);
      if (!session) continue;
      const notShown = this.batcher.notShown.session(id);
      events.push({
        type: 'counters',
        at,
        sessionId: id,
        counters: { ...session.counters },
        connections: session.connectionCounters(connIds).map((c) => {
          const connNotShown = notShown && this.batcher.notShown.connection(id, c.connId);
          return notShown && connNotShown ? { ...c, notShown: connNotShown } : c;
        }),
        ...(notShown ? { notShown } : {}),
      });
    }
    return events;
  }

  /** Where a batch left events out: each session as it is now, or its removal. */
  private describe(ids: ReadonlySet<string>): InspectorEvent[] {
    const at = this.ctx.clock.now();
    return [...ids].map((id) => {
      const session = this.sessions.get(id) ?? this.removing.get(id)?.session;
      return session ? { type: 'session', at, session: this.decorate(session.info()) } : { type: 'session-removed', at, sessionId: id };
    });
  }

  private decorate(info: SessionInfo): SessionInfo {
    const kept = this.removing.get(info.id);
    if (kept) info = { ...info, removing: { until: kept.until } };
    const recording = this.recorder?.status(info.id);
    const notShown = this.batcher.notShown.session(info.id);
    const runner = this.automations.get(info.id);
    const automation = runner?.status();
    const staleSince = runner?.staleSince(undefined);
    if (automation && info.connections.length > 0) {
      info.connections = info.connections.map((conn) => {
        const since = runner!.staleSince(conn.connId);
        return since === undefined ? conn : { ...conn, staleSince: since };
      });
    }
    if (!recording && !notShown && !automation) return info;
    return {
      ...info,
      ...(recording ? { recording } : {}),
      ...(notShown ? { notShown } : {}),
      ...(automation ? { automation } : {}),
      ...(staleSince !== undefined ? { staleSince } : {}),
    };
  }

  private toAutomation(event: InspectorEvent): void {
    const id = event.type === 'session' ? event.session.id : event.sessionId;
    this.automations.get(id)?.observe(event);
  }

  /** Checks automation settings against the session's kind and encodes the heartbeat once. */
  private automationBytes(automation: Automation | undefined, kind: SessionConfig['kind']): Result<ReplyTemplate | undefined> {
    const suits = checkAutomation(automation, kind);
    if (!suits.ok) return suits;
    if (!automation?.heartbeat) return ok(undefined);
    const template = compilePayload(automation.heartbeat.payload);
    if (!template.ok)
      return fail(template.error.code, phrase('heartbeat.payload', { problem: template.error.i18n.message }), template.error.i18n.hint);
    return template;
  }

  /** Ends the recording of a closed session, then forgets it. */
  private async removeNow(sessionId: string): Promise<void> {
    this.removing.delete(sessionId);
    if (this.recorder?.status(sessionId)?.active) await this.recorder.stop(sessionId, 'removed');
    this.forget(sessionId);
  }

  /** The session is gone: everything kept for it goes, and the page is told. */
  private forget(sessionId: string): void {
    this.sessions.delete(sessionId);
    this.automations.get(sessionId)?.dispose();
    this.automations.delete(sessionId);
    this.recordingFull.delete(sessionId);
    this.keyLogUnwritten.delete(sessionId);
    this.ctx.emit({ type: 'session-removed', at: this.ctx.clock.now(), sessionId });
    this.batcher.forget(sessionId);
  }

  private answer(result: Result<SessionInfo>): Result<SessionInfo> {
    return result.ok ? ok(this.decorate(result.value)) : result;
  }

  /** A session event as the page sees it: with its recording, automation and counts of what was not shown. */
  private decorated(event: InspectorEvent): InspectorEvent {
    return event.type === 'session' ? { ...event, session: this.decorate(event.session) } : event;
  }

  private relay(sessionId: string): Result<RelayBase> {
    const session = this.sessions.get(sessionId);
    if (!session) return this.missing(sessionId);
    if (session instanceof RelayBase) return ok(session);
    return fail(
      AppCode.BadState,
      phrase('relay.notRelay', { sessionId, kind: phrase(`kind.${session.config.kind}`) }),
      phrase('hint.openRelay'),
    );
  }

  private noRecorder(): Result<never> {
    return fail(AppCode.BadState, phrase('session.noRecorder'), phrase('hint.noRecorder'));
  }

  private missing(sessionId: string): Result<never> {
    return fail(AppCode.NotFound, phrase('session.missing', { sessionId }), phrase('hint.sessionGone'));
  }
}
