import type {
  ChecksumOption,
  InspectorEvent,
  Sequence,
  SequencePosition,
  SequenceStatus,
  SequenceStep,
  SendOrigin,
  SendReceipt,
  SendTarget,
} from '@shared/contract';
import { defaultByteOrder, formatChecksum, verifyChecksum, type ChecksumAlgorithm } from '@shared/checksums';
import { AppCode } from '@shared/errors';
import { createFramer, type Framer } from '@shared/framing';
import { MAX_SEQUENCE_PENDING_MESSAGES } from '@shared/limits';
import type { MacroContext } from '@shared/macros';
import { compilePayload, renderPayload } from '@shared/payload';
import { compileMatch, matchFailure, MessageText } from '@shared/rule-match';
import { phrase, untranslated, type Phrase } from '@shared/phrase';
import type { AppError, Result } from '@shared/result';
import type { Clock } from '@ports/clock';
import type { Scheduler, ScheduledTask } from './scheduler';
import { framingOf } from './message-framing';
import { appError } from './socket-errors';

/** What a run needs of its session. */
export interface SequenceHost {
  readonly sessionId: string;
  send(bytes: Uint8Array, to: SendTarget | undefined, origin: SendOrigin): Promise<Result<SendReceipt>>;
  macros(): MacroContext;
  emit(event: InspectorEvent): void;
}

export const CHECKSUM_NAMES: Readonly<Record<ChecksumAlgorithm, string>> = {
  crc8: 'CRC-8',
  'crc16-modbus': 'CRC-16/MODBUS',
  'crc16-ccitt-false': 'CRC-16/CCITT-FALSE',
  'crc16-xmodem': 'CRC-16/XMODEM',
  crc32: 'CRC-32',
  xor: 'XOR (BCC)',
  sum8: 'SUM8',
  lrc: 'LRC',
};

/** A step failed: why, in words that name it. */
class StepFailure {
  constructor(readonly why: Phrase) {}
}

/** Why a checked message is not good, or undefined when its check value is right. */
export function checksumFault(checksum: ChecksumOption, message: Uint8Array): Phrase | undefined {
  const spec = { ...checksum, order: checksum.order ?? defaultByteOrder(checksum.algorithm) };
  const verdict = verifyChecksum(spec, message);
  const name = CHECKSUM_NAMES[checksum.algorithm];
  if (verdict.verdict === 'ok') return undefined;
  if (verdict.verdict === 'short') {
    return phrase('sequence.why.checksumShort', { length: String(verdict.length), name, needed: String(verdict.needed) });
  }
  return phrase('sequence.why.checksumWrong', {
    name,
    expected: formatChecksum(checksum.algorithm, verdict.expected),
    received: formatChecksum(checksum.algorithm, verdict.received),
  });
}

const STATUS_INTERVAL_MS = 200;

/**
 * One run of a sequence on a session, timed by the engine's scheduler. Messages the session
 * receives during the run are framed (per connection) as the sequence says and queued; an
 * expect step takes from the queue until one matches, so a reply that came before its expect
 * step began is not missed. Ends passed, failed (the step and why) or stopped.
 */
export class SequenceRun {
  private readonly current: SequenceStatus;
  private readonly framers = new Map<string, Framer>();
  private readonly gapTasks = new Map<string, ScheduledTask>();
  private readonly queue: Uint8Array[] = [];
  private waiter: (() => void) | undefined;
  private timer: ScheduledTask | undefined;
  private statusTimer: ScheduledTask | undefined;
  private stopReason: Phrase | undefined;
  readonly done: Promise<SequenceStatus>;

  constructor(
    private readonly sequence: Sequence,
    private readonly to: SendTarget | undefined,
    private readonly host: SequenceHost,
    private readonly scheduler: Scheduler,
    private readonly clock: Clock,
  ) {
    this.current = { name: sequence.name, state: 'running', startedAt: clock.now(), stepsDone: 0 };
    this.done = this.run();
  }

  status(): SequenceStatus {
    return { ...this.current, ...(this.current.step ? { step: { ...this.current.step } } : {}) };
  }

  get running(): boolean {
    return this.current.state === 'running';
  }

  /** Stop at once: `why` is said in the status (the user stopped it, or the session closed). */
  stop(why: Phrase, state: 'stopped' | 'failed' = 'stopped'): void {
    if (!this.running || this.stopReason !== undefined) return;
    this.stopReason = why;
    this.stopState = state;
    this.timer?.cancel();
    this.waiter?.();
  }

  private stopState: 'stopped' | 'failed' = 'stopped';

  /** Every chunk or datagram the session receives while the run lasts. */
  received(connId: string | undefined, bytes: Uint8Array, at: number): void {
    if (!this.running) return;
    const framing = this.sequence.framing;
    if (framing.mode === 'raw' || connId === undefined) {
      this.enqueue(bytes);
      return;
    }
    let framer = this.framers.get(connId);
    if (!framer) {
      framer = createFramer(framingOf(framing));
      this.framers.set(connId, framer);
    }
    for (const frame of framer.push(bytes, at).frames) this.enqueue(frame.bytes);
    if (framing.mode === 'gap') {
      this.gapTasks.get(connId)?.cancel();
      if (!framer.partial()) return;
      const owner = framer;
      this.gapTasks.set(
        connId,
        this.scheduler.after(framing.gapMs, () => {
          this.gapTasks.delete(connId);
          for (const frame of owner.push(new Uint8Array(0), this.clock.now()).frames) this.enqueue(frame.bytes);
        }),
      );
    }
  }

  private enqueue(message: Uint8Array): void {
    // A chatty peer cannot grow the queue without end while no expect step reads it.
    if (this.queue.length >= MAX_SEQUENCE_PENDING_MESSAGES) this.queue.shift();
    this.queue.push(Uint8Array.from(message));
    this.waiter?.();
  }

  private async run(): Promise<SequenceStatus> {
    this.report(true);
    try {
      await this.runSteps(this.sequence.steps, [], []);
      this.finish('passed');
    } catch (err) {
      if (!(err instanceof StepFailure)) throw err;
      const step = this.current.step;
      const state = this.stopReason !== undefined ? this.stopState : 'failed';
      const error =
        state === 'stopped'
          ? appError(
              AppCode.SequenceStopped,
              phrase('sequence.stoppedAt', { name: this.sequence.name, step: describeStep(step), why: err.why }),
            )
          : appError(
              AppCode.SequenceFailed,
              phrase('sequence.failedAt', { name: this.sequence.name, step: describeStep(step), why: err.why }),
            );
      this.finish(state, error);
    } finally {
      for (const task of this.gapTasks.values()) task.cancel();
      this.timer?.cancel();
    }
    return this.status();
  }

  private finish(state: SequenceStatus['state'], error?: AppError): void {
    this.current.state = state;
    this.current.endedAt = this.clock.now();
    if (error) this.current.error = error;
    this.report(true);
  }

  private async runSteps(steps: readonly SequenceStep[], path: number[], rounds: number[]): Promise<void> {
    for (let index = 0; index < steps.length; index++) {
      const step = steps[index]!;
      const at = [...path, index];
      this.checkStopped();
      this.current.step = { path: at, name: step.name, kind: step.kind, rounds: [...rounds] };
      this.report(false);
      if (step.kind === 'repeat') {
        for (let round = 1; round <= step.times; round++) await this.runSteps(step.steps, at, [...rounds, round]);
      } else {
        await this.runStep(step);
      }
      this.current.stepsDone += 1;
    }
  }

  private checkStopped(): void {
    if (this.stopReason !== undefined) throw new StepFailure(this.stopReason);
  }

  private async runStep(step: Exclude<SequenceStep, { kind: 'repeat' }>): Promise<void> {
    switch (step.kind) {
      case 'send': {
        const template = compilePayload(step.payload);
        const bytes = template.ok ? renderPayload(template.value, this.host.macros()) : template;
        if (!bytes.ok) throw new StepFailure(phrase('sequence.why.payload', { problem: bytes.error.i18n.message }));
        const sent = await this.host.send(bytes.value, this.to, { kind: 'sequence', name: this.sequence.name });
        this.checkStopped();
        if (!sent.ok) throw new StepFailure(phrase('sequence.why.send', { problem: sent.error.i18n.message }));
        return;
      }
      case 'wait':
        await this.sleep(step.ms);
        this.checkStopped();
        return;
      case 'expect':
        await this.expect(step);
        return;
    }
  }

  private async sleep(ms: number): Promise<void> {
    await new Promise<void>((resolve) => {
      this.waiter = resolve;
      this.timer = this.scheduler.after(ms, resolve);
    });
    this.timer?.cancel();
    this.waiter = undefined;
  }

  private async expect(step: Extract<SequenceStep, { kind: 'expect' }>): Promise<void> {
    const matcher = compileMatch(step.match);
    if (!matcher.ok) throw new StepFailure(phrase('sequence.why.pattern', { problem: matcher.phrase ?? untranslated(matcher.message) }));
    const deadline = this.clock.now() + step.timeoutMs;
    for (;;) {
      while (this.queue.length > 0) {
        const message = this.queue.shift()!;
        let found;
        try {
          found = matcher.matcher.match(new MessageText(message));
        } catch (err) {
          throw new StepFailure(phrase('sequence.why.patternFailed', { problem: matchFailure(err) }));
        }
        if (!found) continue;
        const fault = step.checksum ? checksumFault(step.checksum, message) : undefined;
        if (fault) throw new StepFailure(phrase('sequence.why.matchedBut', { fault }));
        return;
      }
      const left = deadline - this.clock.now();
      if (left <= 0) throw new StepFailure(phrase('sequence.why.timeout', { match: describeMatch(step), ms: String(step.timeoutMs) }));
      await this.sleep(left);
      this.checkStopped();
    }
  }

  private report(urgent: boolean): void {
    if (urgent) {
      this.statusTimer?.cancel();
      this.statusTimer = undefined;
      this.emitStatus();
      return;
    }
    this.statusTimer ??= this.scheduler.after(STATUS_INTERVAL_MS, () => {
      this.statusTimer = undefined;
      if (this.running) this.emitStatus();
    });
  }

  private emitStatus(): void {
    this.host.emit({ type: 'sequence', at: this.clock.now(), sessionId: this.host.sessionId, status: this.status() });
  }
}

function describeMatch(step: Extract<SequenceStep, { kind: 'expect' }>): Phrase {
  const match = step.match;
  return match.on === 'hex'
    ? phrase('sequence.match.hex', { pattern: match.pattern })
    : phrase(`sequence.match.${match.kind}`, { pattern: match.pattern });
}

/** "step 2.1 "read" (round 3)": the path counts from 1, as a user reads it. */
export function describeStep(step: SequencePosition | undefined): Phrase {
  if (!step) return phrase('sequence.step.start');
  const number = step.path.map((i) => i + 1).join('.');
  const name = step.name === '' ? phrase(`sequence.kind.${step.kind}`) : phrase('sequence.step.named', { name: step.name });
  return step.rounds.length === 0
    ? phrase('sequence.step', { number, name })
    : phrase('sequence.step.inRound', { number, name, rounds: step.rounds.join('.') });
}
