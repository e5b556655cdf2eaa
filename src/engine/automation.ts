import { phrase, untranslated, type Phrase } from '@shared/phrase';
import type {
  Automation,
  AutomationStatus,
  Endpoint,
  InspectorEvent,
  LivenessAction,
  RepeatStatus,
  Sequence,
  SequenceStatus,
  RuleStatus,
  SendOrigin,
  SendReceipt,
  SendTarget,
  SessionKind,
} from '@shared/contract';
import { compileRule, type CompiledRule } from '@shared/auto-reply';
import { AppCode } from '@shared/errors';
import { createFramer, type Framer } from '@shared/framing';
import { AUTOMATION_STATUS_INTERVAL_MS, MAX_PENDING_REPLIES } from '@shared/limits';
import { SlidingWindowLimit } from '@shared/rate-limit';
import { MacroCounters, type MacroContext } from '@shared/macros';
import { renderPayload } from '@shared/payload';
import { renderTemplate, type ReplyTemplate } from '@shared/reply-template';
import { matchFailure, MessageText } from '@shared/rule-match';
import { fail, ok, type AppError, type Result } from '@shared/result';
import type { Clock } from '@ports/clock';
import { randomBytes } from 'node:crypto';
import { framingOf } from './message-framing';
import { Scheduler, type ScheduledTask } from './scheduler';
import { SequenceRun } from './sequence';
import { appError } from './socket-errors';

/** What automation needs of its session. */
export interface AutomatedSession {
  readonly id: string;
  readonly kind: SessionKind;
  /** UDP: a remote is configured, so a send without target has somewhere to go. */
  readonly hasRemote: boolean;
  send(bytes: Uint8Array, to: SendTarget | undefined, origin: SendOrigin): Promise<Result<SendReceipt>>;
  silenced(connId: string | undefined, error: AppError, why: Phrase, action: 'close' | 'reconnect'): void;
}

interface Rule {
  id: string;
  name: string;
  enabled: boolean;
  compiled: CompiledRule | undefined;
  delayMs: number;
  to: 'sender' | 'all';
  limit: SlidingWindowLimit;
  status: RuleStatus;
  /** Matches are being held back by the rate limit (told once per streak). */
  limiting: boolean;
}

/** What one connection (or, for UDP, the session itself) has of automation: its framer, heartbeat and watchdog. */
interface Stream {
  connId: string | undefined;
  framer: Framer | undefined;
  gapTask: ScheduledTask | undefined;
  heartbeat: ScheduledTask | undefined;
  watchdog: ScheduledTask | undefined;
  lastRx: number;
  staleSince: number | undefined;
}

/** A message seen by rules, and where it came from. */
interface Source {
  connId: string | undefined;
  peer: Endpoint | undefined;
}

/** "250 ms", "2 s", "1.5 min": what a user reads in a liveness message. */
function duration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${ms / 1000} s`;
  return `${Math.round(ms / 6000) / 10} min`;
}

const sameError = (a: AppError | undefined, b: AppError | undefined): boolean => a?.code === b?.code && a?.message === b?.message;

/**
 * A session's automation, timed in the engine: auto-reply rules on each received message (each
 * framed message with framing, else each chunk or datagram), a heartbeat and a liveness watchdog
 * per connection (per session for UDP), and the repeat run. It follows the session through its
 * events: connections opening and closing start and stop their timers, and a session that stops
 * being open stops every timer it had, at once.
 */
export class SessionAutomation {
  private config: Automation | undefined;
  private rules: Rule[] = [];
  /** Some rule is enabled and compiled: only then are messages framed and matched. */
  private runnable = false;
  private readonly streams = new Map<string, Stream>();
  private readonly scheduler: Scheduler;
  private heartbeats = 0;
  private heartbeatError: AppError | undefined;
  private repeatRun: { status: RepeatStatus; task: ScheduledTask | undefined } | undefined;
  /** Delayed replies not yet sent. */
  private readonly delayed = new Set<ScheduledTask>();
  private statusTimer: ScheduledTask | undefined;
  private open = false;
  private heartbeatTemplate: ReplyTemplate | undefined;
  /** The session's macro counters: every send of the session (by hand, repeat, heartbeat, rule, sequence) shares them. */
  readonly counters = new MacroCounters();
  private sequenceRun: SequenceRun | undefined;

  constructor(
    private readonly session: AutomatedSession,
    private readonly clock: Clock,
    private readonly emit: (event: InspectorEvent) => void,
  ) {
    this.scheduler = new Scheduler(clock);
  }

  /** Run a sequence, ending the one before (stopped); `done` settles when it ends. */
  startSequence(sequence: Sequence, to: SendTarget | undefined): SequenceRun {
    this.sequenceRun?.stop(phrase('sequence.why.replaced'));
    const run = new SequenceRun(
      sequence,
      to,
      {
        sessionId: this.session.id,
        send: (bytes, target, origin) => this.session.send(bytes, target, origin),
        macros: () => this.macros(),
        emit: this.emit,
      },
      this.scheduler,
      this.clock,
    );
    this.sequenceRun = run;
    return run;
  }

  /** Stop the sequence running; answers its status, or undefined when none runs. */
  stopSequence(): SequenceStatus | undefined {
    const run = this.sequenceRun;
    if (!run?.running) return undefined;
    run.stop(phrase('sequence.why.userStopped'));
    return run.status();
  }

  /** Whether there is anything to report: automation set, or a repeat run made. */
  get used(): boolean {
    return this.config !== undefined || this.repeatRun !== undefined;
  }

  /** What a send made now fills its macros with. */
  macros(): MacroContext {
    return { now: this.clock.now(), random: (length) => new Uint8Array(randomBytes(length)), counters: this.counters };
  }

  /**
   * Replace the rules, heartbeat and liveness; hits count afresh, and the timers of open
   * connections restart with the new settings. `heartbeat`: the heartbeat payload, compiled;
   * its macros are filled in at each beat.
   */
  configure(config: Automation | undefined, heartbeat: ReplyTemplate | undefined): void {
    this.config = config;
    this.heartbeatTemplate = heartbeat;
    for (const task of this.delayed) task.cancel();
    this.delayed.clear();
    this.heartbeats = 0;
    this.heartbeatError = undefined;
    this.rules = (config?.rules ?? []).map((rule) => {
      const compiled = compileRule(rule);
      const status: RuleStatus = { id: rule.id, hits: 0, replies: 0, limited: 0, failures: 0 };
      if (!compiled.ok) {
        const { field, phrase: said, message } = compiled.problem;
        status.error = appError(
          AppCode.RuleInvalid,
          phrase('rule.invalid', {
            name: this.ruleName(rule),
            where: phrase(field === 'match' ? 'rule.where.match' : 'rule.where.reply'),
            problem: said ?? untranslated(message),
          }),
        );
      }
      return {
        id: rule.id,
        name: rule.name,
        enabled: rule.enabled,
        compiled: compiled.ok ? compiled.rule : undefined,
        delayMs: rule.delayMs,
        to: rule.to,
        limit: new SlidingWindowLimit(rule.rateLimit.replies, rule.rateLimit.perMs),
        status,
        limiting: false,
      };
    });
    this.runnable = this.rules.some((rule) => rule.enabled && rule.compiled);
    for (const rule of this.rules) if (rule.status.error && rule.enabled) this.emitError(rule.status.error);
    for (const stream of this.streams.values()) {
      this.stopStream(stream);
      this.startStream(stream);
    }
    this.report(true);
  }

  status(): AutomationStatus | undefined {
    if (!this.used) return undefined;
    return {
      rules: this.rules.map((r) => ({ ...r.status })),
      heartbeats: this.heartbeats,
      ...(this.heartbeatError ? { heartbeatError: this.heartbeatError } : {}),
      ...(this.repeatRun ? { repeat: { ...this.repeatRun.status } } : {}),
    };
  }

  /** Epoch ms since which a connection (UDP: the session, connId undefined) is stale. */
  staleSince(connId: string | undefined): number | undefined {
    return this.streams.get(connId ?? '')?.staleSince;
  }

  /** Every event of the session, after the log and the recording have it. */
  observe(event: InspectorEvent): void {
    switch (event.type) {
      case 'session': {
        const open = event.session.state === 'open';
        if (open === this.open) return;
        this.open = open;
        if (open && this.session.kind === 'udp') this.addStream(undefined);
        if (!open) this.stopAll();
        return;
      }
      case 'connection-opened':
        this.addStream(event.conn.connId);
        return;
      case 'connection-closed': {
        const stream = this.streams.get(event.connId);
        if (stream) this.stopStream(stream);
        this.streams.delete(event.connId);
        return;
      }
      case 'data':
        if (event.dir === 'rx') {
          this.sequenceRun?.received(event.connId, event.bytes, event.at);
          this.received(event.connId, event.peer, event.bytes, event.at);
        }
        return;
      default:
        return;
    }
  }

  /** Start a repeat run, ending the one before; the first send goes at once, and each send fills in its macros afresh. */
  startRepeat(payload: ReplyTemplate, to: SendTarget | undefined, intervalMs: number, count: number | undefined): RepeatStatus {
    this.stopRepeat();
    const status: RepeatStatus = {
      state: 'running',
      sent: 0,
      intervalMs,
      startedAt: this.clock.now(),
      skipped: 0,
      ...(count !== undefined ? { count } : {}),
    };
    const run: { status: RepeatStatus; task: ScheduledTask | undefined } = { status, task: undefined };
    this.repeatRun = run;
    let answered = 0;
    const finishIfDone = () => {
      if (run.status.state === 'running' && count !== undefined && answered + (run.task?.skipped ?? 0) >= count) {
        run.status.skipped = run.task?.skipped ?? 0;
        run.status.state = 'finished';
        this.report(true);
      }
    };
    run.task = this.scheduler.every(
      intervalMs,
      () => {
        const bytes = renderPayload(payload, this.macros());
        const sent = bytes.ok ? this.session.send(bytes.value, to, { kind: 'repeat' }) : Promise.resolve(bytes);
        void sent.then((result) => {
          answered += 1;
          if (this.repeatRun !== run || run.status.state !== 'running') return;
          if (!result.ok) {
            run.task?.cancel();
            run.status.state = 'failed';
            run.status.error = result.error;
            this.report(true);
            return;
          }
          run.status.sent += 1;
          finishIfDone();
          this.report(false);
        });
      },
      { now: true, ...(count !== undefined ? { count } : {}) },
    );
    this.report(true);
    return { ...status };
  }

  /** Stop the repeat run at once; answers its status, or undefined when none ran. */
  stopRepeat(): RepeatStatus | undefined {
    const run = this.repeatRun;
    if (!run) return undefined;
    run.task?.cancel();
    if (run.status.state === 'running') {
      run.status.state = 'stopped';
      run.status.skipped = run.task?.skipped ?? 0;
      this.report(true);
    }
    return { ...run.status };
  }

  /** The session is gone: no timer may outlive it. */
  dispose(): void {
    this.stopAll();
    this.statusTimer?.cancel();
    this.scheduler.cancelAll();
  }

  private stopAll(): void {
    for (const stream of this.streams.values()) this.stopStream(stream);
    this.streams.clear();
    for (const task of this.delayed) task.cancel();
    this.delayed.clear();
    if (this.repeatRun?.status.state === 'running') this.stopRepeat();
    this.sequenceRun?.stop(phrase('sequence.why.sessionClosed'), 'failed');
  }

  private addStream(connId: string | undefined): void {
    const stream: Stream = {
      connId,
      framer: undefined,
      gapTask: undefined,
      heartbeat: undefined,
      watchdog: undefined,
      lastRx: this.clock.now(),
      staleSince: undefined,
    };
    this.streams.set(connId ?? '', stream);
    this.startStream(stream);
  }

  private startStream(stream: Stream): void {
    const config = this.config;
    stream.framer =
      this.runnable && config && config.framing.mode !== 'raw' && stream.connId !== undefined
        ? createFramer(framingOf(config.framing))
        : undefined;
    const heartbeat = config?.heartbeat;
    const template = this.heartbeatTemplate;
    if (heartbeat?.enabled && template) stream.heartbeat = this.scheduler.every(heartbeat.intervalMs, () => this.beat(stream, template));
    stream.lastRx = this.clock.now();
    this.armWatchdog(stream);
  }

  private stopStream(stream: Stream): void {
    stream.heartbeat?.cancel();
    stream.watchdog?.cancel();
    stream.gapTask?.cancel();
    stream.heartbeat = stream.watchdog = stream.gapTask = undefined;
    stream.framer = undefined;
    stream.staleSince = undefined;
  }

  private beat(stream: Stream, template: ReplyTemplate): void {
    const to: SendTarget | undefined =
      stream.connId !== undefined
        ? { type: 'connections', connIds: [stream.connId] }
        : this.session.hasRemote
          ? undefined
          : { type: 'last-sender' };
    const bytes = renderPayload(template, this.macros());
    const sent = bytes.ok ? this.session.send(bytes.value, to, { kind: 'heartbeat' }) : Promise.resolve(bytes);
    void sent.then((result) => {
      if (result.ok) {
        this.heartbeats += 1;
        if (this.heartbeatError) {
          this.heartbeatError = undefined;
          this.report(true);
        } else this.report(false);
        return;
      }
      if (sameError(this.heartbeatError, result.error)) return;
      this.heartbeatError = result.error;
      this.emitError(
        appError(
          result.error.code,
          phrase('heartbeat.notSent', { problem: result.error.i18n?.message ?? untranslated(result.error.message) }),
        ),
        stream.connId,
      );
      this.report(true);
    });
  }

  private armWatchdog(stream: Stream): void {
    const liveness = this.config?.liveness;
    if (!liveness?.enabled) return;
    stream.watchdog?.cancel();
    const wait = Math.max(0, stream.lastRx + liveness.silenceMs - this.clock.now());
    stream.watchdog = this.scheduler.after(wait, () => {
      stream.watchdog = undefined;
      const silent = this.clock.now() - stream.lastRx;
      // Data came meanwhile (noted without touching the timer, which would cost a timer per chunk).
      if (silent < liveness.silenceMs) this.armWatchdog(stream);
      else this.wentSilent(stream, liveness.silenceMs, liveness.action);
    });
  }

  private wentSilent(stream: Stream, silenceMs: number, action: LivenessAction): void {
    const at = this.clock.now();
    stream.staleSince = at;
    const effective: LivenessAction = action === 'reconnect' && this.session.kind !== 'tcp-client' ? 'close' : action;
    this.emit({
      type: 'liveness',
      at,
      sessionId: this.session.id,
      ...(stream.connId !== undefined ? { connId: stream.connId } : {}),
      stale: true,
      silentMs: silenceMs,
      action: effective,
    });
    const what =
      stream.connId !== undefined
        ? phrase('liveness.connection', { connId: stream.connId })
        : phrase('liveness.session', { sessionId: this.session.id });
    const error = appError(
      AppCode.PeerSilent,
      phrase('liveness.silent', { what, silence: duration(silenceMs), next: phrase(`liveness.next.${effective}`) }),
    );
    if (effective === 'stale') {
      this.emitError(error, stream.connId);
      return;
    }
    this.session.silenced(stream.connId, error, phrase('why.liveness', { duration: duration(silenceMs) }), effective);
  }

  /** Every received chunk or datagram comes here: a session with no rules and no liveness returns at once. */
  private received(connId: string | undefined, peer: Endpoint | undefined, bytes: Uint8Array, at: number): void {
    const liveness = this.config?.liveness;
    if (!this.runnable && !liveness?.enabled) return;
    const stream = this.streams.get(connId ?? '');
    if (stream) {
      stream.lastRx = at;
      if (stream.staleSince !== undefined) {
        const silentMs = at - stream.staleSince;
        stream.staleSince = undefined;
        this.emit({
          type: 'liveness',
          at,
          sessionId: this.session.id,
          ...(connId !== undefined ? { connId } : {}),
          stale: false,
          silentMs: Math.round(silentMs + (liveness?.silenceMs ?? 0)),
          action: liveness?.action ?? 'stale',
        });
        this.armWatchdog(stream);
      }
    }
    if (!this.runnable) return;
    const source: Source = { connId, peer };
    const framer = stream?.framer;
    if (!framer) {
      this.runRules(bytes, source, at);
      return;
    }
    const pushed = framer.push(bytes, at);
    for (const frame of pushed.frames) this.runRules(frame.bytes, source, at);
    if (pushed.partial && this.config?.framing.mode === 'gap') this.armGap(stream!, this.config.framing.gapMs, source, pushed.partial.at);
  }

  /**
   * Gap framing ends a message on silence, which only a timer can see. One timer per stream,
   * armed once rather than again on every chunk: when it fires early (data came meanwhile) it
   * waits out the rest of the gap from the latest chunk. `lastAt`: when that chunk came.
   */
  private armGap(stream: Stream, gapMs: number, source: Source, lastAt: number): void {
    if (stream.gapTask?.active) return;
    stream.gapTask = this.scheduler.after(Math.max(0, lastAt + gapMs - this.clock.now()), () => {
      stream.gapTask = undefined;
      const partial = stream.framer?.partial();
      if (!partial) return;
      const now = this.clock.now();
      if (now - partial.at < gapMs) {
        this.armGap(stream, gapMs, source, partial.at);
        return;
      }
      for (const frame of stream.framer!.push(new Uint8Array(0), now).frames) this.runRules(frame.bytes, source, now);
    });
  }

  private runRules(message: Uint8Array, source: Source, at: number): void {
    const text = new MessageText(message);
    let changed = false;
    for (const rule of this.rules) {
      if (!rule.enabled || !rule.compiled) continue;
      let match;
      try {
        match = rule.compiled.matcher.match(text);
      } catch (err) {
        // A regex can throw on its input (too much recursion, a stack overflow): that rule fails, the others go on.
        this.ruleFailed(
          rule,
          appError(AppCode.RuleFailed, phrase('rule.threw', { name: this.ruleName(rule), problem: matchFailure(err) })),
        );
        continue;
      }
      if (!match) continue;
      changed = true;
      rule.status.hits += 1;
      rule.status.lastHitAt = at;
      if (!rule.limit.take(this.clock.now())) {
        rule.status.limited += 1;
        if (!rule.limiting) {
          rule.limiting = true;
          this.emitError(
            appError(
              AppCode.RuleRateLimited,
              phrase('rule.rateLimited', { name: this.ruleName(rule), replies: rule.limit.replies, per: duration(rule.limit.perMs) }),
            ),
            source.connId,
          );
        }
      } else {
        rule.limiting = false;
        const reply = renderTemplate(rule.compiled.template, { match, macros: this.macros() });
        if (!reply.ok)
          this.ruleFailed(
            rule,
            appError(AppCode.RuleFailed, phrase('rule.replyFailed', { name: this.ruleName(rule), problem: reply.phrase })),
          );
        else this.reply(rule, reply.bytes, source);
      }
      if (!this.config?.everyMatch) break;
    }
    if (changed) this.report(false);
  }

  private reply(rule: Rule, bytes: Uint8Array, source: Source): void {
    const to = this.replyTarget(rule, source);
    const send = () => {
      void this.session.send(bytes, to, { kind: 'rule', ruleId: rule.id, name: rule.name }).then((result) => {
        if (!this.rules.includes(rule)) return;
        if (result.ok) {
          rule.status.replies += 1;
          this.report(false);
        } else {
          this.ruleFailed(
            rule,
            appError(
              result.error.code,
              phrase('rule.sendFailed', {
                name: this.ruleName(rule),
                problem: result.error.i18n?.message ?? untranslated(result.error.message),
              }),
            ),
          );
        }
      });
    };
    if (rule.delayMs === 0) {
      send();
      return;
    }
    if (this.delayed.size >= MAX_PENDING_REPLIES) {
      this.ruleFailed(
        rule,
        appError(AppCode.RuleFailed, phrase('rule.dropped', { name: this.ruleName(rule), max: String(MAX_PENDING_REPLIES) })),
      );
      return;
    }
    const task = this.scheduler.after(rule.delayMs, () => {
      this.delayed.delete(task);
      send();
    });
    this.delayed.add(task);
  }

  private replyTarget(rule: Rule, source: Source): SendTarget | undefined {
    if (rule.to === 'all') return this.session.kind === 'udp' ? undefined : { type: 'all' };
    if (source.connId !== undefined) return { type: 'connections', connIds: [source.connId] };
    if (source.peer) return { type: 'address', host: source.peer.address, port: source.peer.port };
    return undefined;
  }

  private ruleFailed(rule: Rule, error: AppError): void {
    rule.status.failures += 1;
    const repeated = sameError(rule.status.error, error);
    rule.status.error = error;
    // A rule failing on every message of a flood says so once, not once per message.
    if (!repeated) this.emitError(error);
    this.report(!repeated);
  }

  private ruleName(rule: { id: string; name: string }): string {
    return rule.name === '' ? rule.id : `"${rule.name}"`;
  }

  private emitError(error: AppError, connId?: string): void {
    this.emit({ type: 'error', at: this.clock.now(), sessionId: this.session.id, ...(connId !== undefined ? { connId } : {}), error });
  }

  /** Tell the page: at once for a change of state, else at most every AUTOMATION_STATUS_INTERVAL_MS. */
  private report(urgent: boolean): void {
    if (urgent) {
      this.statusTimer?.cancel();
      this.statusTimer = undefined;
      this.sendStatus();
      return;
    }
    this.statusTimer ??= this.scheduler.after(AUTOMATION_STATUS_INTERVAL_MS, () => {
      this.statusTimer = undefined;
      this.sendStatus();
    });
  }

  private sendStatus(): void {
    const status = this.status();
    if (status) this.emit({ type: 'automation', at: this.clock.now(), sessionId: this.session.id, status });
  }
}

/** What the schema cannot see: whether the settings suit the session's kind. */
export function checkAutomation(config: Automation | undefined, kind: SessionKind): Result<null> {
  if (config && kind === 'relay') return fail(AppCode.InvalidArgument, phrase('relay.noAutomation'), phrase('hint.noAutomation'));
  if (config?.liveness?.enabled && config.liveness.action === 'reconnect' && kind !== 'tcp-client') {
    return fail(
      AppCode.InvalidArgument,
      phrase('liveness.reconnectNotClient', { kind: phrase(`kind.${kind}`) }),
      phrase('hint.liveness.reconnectNotClient'),
    );
  }
  return ok(null);
}
