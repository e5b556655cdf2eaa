import type { SessionKind } from '@shared/contract';
import type { TextProblem } from '@shared/text-encoding';
import type { MessageKey } from '../i18n/en';
import type { ComposerFormat } from './composer-payload';

/**
 * Why Send is off, as a message key and its parameters: a disabled button with no reason
 * leaves the user guessing, so every case that turns it off has one here.
 */
export interface SendBlocker {
  key: MessageKey;
  params?: Readonly<Record<string, string | number>>;
}

export interface TargetState {
  kind: SessionKind;
  open: boolean;
  /** A send, a repeat run or a file send in progress. */
  activity: 'idle' | 'sending' | 'repeating' | 'file';
  /** Open connections of a listener. */
  connections: number;
  /** A UDP session's typed target: whether it is ready, and what is wrong with it. */
  udp: { ready: boolean; portMissing: boolean };
}

/** What keeps any payload from being sent now: the session, the target, a send in progress. */
export function targetBlocker(state: TargetState): SendBlocker | undefined {
  if (!state.open) return { key: 'composer.notOpen' };
  if (state.activity === 'sending') return { key: 'composer.why.sending' };
  if (state.activity === 'repeating') return { key: 'composer.why.repeating' };
  if (state.activity === 'file') return { key: 'composer.why.file' };
  if (state.kind === 'tcp-server' && state.connections === 0) return { key: 'composer.why.noClients' };
  if (state.kind === 'udp' && !state.udp.ready) {
    return { key: state.udp.portMissing ? 'composer.why.udpNoPort' : 'composer.why.udpTarget' };
  }
  return undefined;
}

export interface PayloadState {
  mode: ComposerFormat;
  problem: TextProblem | undefined;
  empty: boolean;
  file: File | undefined;
  repeat: { on: boolean; intervalProblem: boolean; countProblem: boolean };
}

/** What keeps the composer's own payload from being sent, once the target is ready. */
export function payloadBlocker(state: PayloadState): SendBlocker | undefined {
  if (state.mode === 'file') {
    if (!state.file) return { key: 'composer.why.noFile' };
    return state.file.size === 0 ? { key: 'composer.why.emptyFile', params: { name: state.file.name } } : undefined;
  }
  if (state.problem) {
    return { key: state.mode === 'hex' ? 'composer.why.badHex' : 'composer.why.badText', params: { at: String(state.problem.index) } };
  }
  if (state.empty) return { key: 'composer.why.empty' };
  if (state.repeat.on && state.repeat.intervalProblem) return { key: 'composer.why.interval' };
  if (state.repeat.on && state.repeat.countProblem) return { key: 'composer.why.count' };
  return undefined;
}
