/**
 * A sequence as the step editor holds it while it is typed: every field as text or a choice, each
 * step keeping the fields of every kind so that switching a step's kind and back loses nothing.
 * It is checked by turning it into what the contract's sequenceSchema reads, numbers only where
 * they are digits, so that the schema's own messages (tied to each field's path) say what is wrong.
 */
import {
  HEX_MATCH_KINDS,
  sequenceSchema,
  type ChecksumOption,
  type LineEnding,
  type MessageFraming,
  type Sequence,
  type SequenceStep,
  type TextEncodingName,
  type TextMatchKind,
} from '@shared/contract';
import type { LENGTH_FIELD_SIZES } from '@shared/framing';
import type { Phrase } from '@shared/phrase';
import { issuePhrase } from '@shared/validate';

export const STEP_KINDS = ['send', 'wait', 'expect', 'repeat'] as const satisfies readonly SequenceStep['kind'][];
export type StepKind = (typeof STEP_KINDS)[number];
export type MatchKind = TextMatchKind;

export interface DraftStep {
  /** Which row this is across edits, for React; never saved. */
  key: number;
  kind: StepKind;
  name: string;
  format: 'text' | 'hex';
  value: string;
  encoding: TextEncodingName;
  escapes: boolean;
  lineEnding: LineEnding;
  checksum: ChecksumOption | undefined;
  ms: string;
  on: 'text' | 'hex';
  matchKind: MatchKind;
  pattern: string;
  ignoreCase: boolean;
  timeoutMs: string;
  expectChecksum: ChecksumOption | undefined;
  times: string;
  steps: DraftStep[];
}

export const FRAMING_MODES = ['raw', 'delimiter', 'length', 'fixed', 'gap'] as const satisfies readonly MessageFraming['mode'][];

/** How expect steps split what arrives: the mode and its main parameter as typed; the rest of a length framing as it was. */
export interface FramingDraft {
  mode: MessageFraming['mode'];
  delimiter: string;
  lengthSize: (typeof LENGTH_FIELD_SIZES)[number];
  fixedSize: string;
  gapMs: string;
  /** A length framing's other fields (byte order, offset…), kept as the sequence or its file had them. */
  lengthRest: Record<string, unknown>;
}

export interface SequenceDraft {
  name: string;
  framing: FramingDraft;
  steps: DraftStep[];
}

function framingDraft(framing: MessageFraming): FramingDraft {
  const draft: FramingDraft = { mode: framing.mode, delimiter: '0a', lengthSize: '2', fixedSize: '8', gapMs: '30', lengthRest: {} };
  switch (framing.mode) {
    case 'delimiter':
      return { ...draft, delimiter: framing.delimiter, lengthRest: { keepDelimiter: framing.keepDelimiter } };
    case 'length': {
      const { mode: _mode, size, ...rest } = framing;
      return { ...draft, lengthSize: `${size}`, lengthRest: rest };
    }
    case 'fixed':
      return { ...draft, fixedSize: String(framing.size) };
    case 'gap':
      return { ...draft, gapMs: String(framing.gapMs) };
    case 'raw':
      return draft;
  }
}

function framingInput(framing: FramingDraft): unknown {
  switch (framing.mode) {
    case 'delimiter':
      return { mode: 'delimiter', delimiter: framing.delimiter, keepDelimiter: framing.lengthRest.keepDelimiter === true };
    case 'length': {
      const { keepDelimiter: _keep, ...rest } = framing.lengthRest;
      return { ...rest, mode: 'length', size: Number(framing.lengthSize) };
    }
    case 'fixed':
      return { mode: 'fixed', size: number(framing.fixedSize) };
    case 'gap':
      return { mode: 'gap', gapMs: number(framing.gapMs) };
    case 'raw':
      return { mode: 'raw' };
  }
}

let nextKey = 1;

export function blankStep(kind: StepKind): DraftStep {
  return {
    key: nextKey++,
    kind,
    name: '',
    format: 'text',
    value: '',
    encoding: 'utf-8',
    escapes: true,
    lineEnding: 'none',
    checksum: undefined,
    ms: '100',
    on: 'text',
    matchKind: 'contains',
    pattern: '',
    ignoreCase: false,
    timeoutMs: '1000',
    expectChecksum: undefined,
    times: '2',
    steps: kind === 'repeat' ? [blankStep('send')] : [],
  };
}

function draftStep(step: SequenceStep): DraftStep {
  const draft = { ...blankStep(step.kind), name: step.name, steps: [] as DraftStep[] };
  switch (step.kind) {
    case 'send': {
      const { payload } = step;
      // The editor writes text and hex; a base64 payload from a file is shown as its text and refused until changed.
      return {
        ...draft,
        format: payload.format === 'hex' ? 'hex' : 'text',
        value: payload.value,
        encoding: payload.encoding,
        escapes: payload.escapes,
        lineEnding: payload.lineEnding,
        checksum: payload.checksum,
      };
    }
    case 'wait':
      return { ...draft, ms: String(step.ms) };
    case 'expect':
      return {
        ...draft,
        on: step.match.on,
        matchKind: step.match.kind,
        pattern: step.match.pattern,
        encoding: step.match.on === 'text' ? step.match.encoding : draft.encoding,
        ignoreCase: step.match.on === 'text' ? step.match.ignoreCase : false,
        timeoutMs: String(step.timeoutMs),
        expectChecksum: step.checksum,
      };
    case 'repeat':
      return { ...draft, times: String(step.times), steps: step.steps.map(draftStep) };
  }
}

export function draftOf(sequence: Sequence): SequenceDraft {
  return { name: sequence.name, framing: framingDraft(sequence.framing), steps: sequence.steps.map(draftStep) };
}

/** Digits become a number; anything else goes to the schema as typed, which says what a number there must be. */
function number(text: string): number | string {
  return /^\s*-?\d{1,15}\s*$/.test(text) ? Number(text) : text;
}

/** A send step's payload as payloadSchema reads it. */
export function payloadInput(step: DraftStep): unknown {
  return {
    format: step.format,
    value: step.value,
    encoding: step.encoding,
    escapes: step.escapes,
    lineEnding: step.lineEnding,
    ...(step.checksum ? { checksum: step.checksum } : {}),
  };
}

function stepInput(step: DraftStep): unknown {
  const name = step.name;
  switch (step.kind) {
    case 'send':
      return { kind: 'send', name, payload: payloadInput(step) };
    case 'wait':
      return { kind: 'wait', name, ms: number(step.ms) };
    case 'expect': {
      const hexKind = (HEX_MATCH_KINDS as readonly string[]).includes(step.matchKind);
      const match =
        step.on === 'text'
          ? { on: 'text', kind: step.matchKind, pattern: step.pattern, encoding: step.encoding, ignoreCase: step.ignoreCase }
          : { on: 'hex', kind: hexKind ? step.matchKind : 'contains', pattern: step.pattern };
      return {
        kind: 'expect',
        name,
        match,
        timeoutMs: number(step.timeoutMs),
        ...(step.expectChecksum ? { checksum: step.expectChecksum } : {}),
      };
    }
    case 'repeat':
      return { kind: 'repeat', name, times: number(step.times), steps: step.steps.map(stepInput) };
  }
}

export function draftInput(draft: SequenceDraft): unknown {
  return { name: draft.name, framing: framingInput(draft.framing), steps: draft.steps.map(stepInput) };
}

/** A field's place in the draft, as the schema's issue paths name it: `steps.0.steps.1.ms`. */
export const fieldPath = (path: readonly PropertyKey[]): string => path.map(String).join('.');

export type DraftCheck = {
  sequence: Sequence | undefined;
  /** The schema's words per field path; a problem of the whole sequence sits at ''. */
  problems: ReadonlyMap<string, Phrase[]>;
};

/** The draft read by the contract's schema: the sequence, or the problems under the fields they belong to. */
export function checkDraft(draft: SequenceDraft): DraftCheck {
  const parsed = sequenceSchema.safeParse(draftInput(draft));
  if (parsed.success) return { sequence: parsed.data, problems: new Map() };
  const problems = new Map<string, Phrase[]>();
  for (const issue of parsed.error.issues) {
    const key = fieldPath(issue.path);
    problems.set(key, [...(problems.get(key) ?? []), issuePhrase(issue)]);
  }
  return { sequence: undefined, problems };
}

/** The steps with one list changed: `at` the path of step indexes down to that list. */
export function changeList(steps: DraftStep[], at: readonly number[], change: (list: DraftStep[]) => DraftStep[]): DraftStep[] {
  if (at.length === 0) return change(steps);
  const [head, ...rest] = at;
  return steps.map((step, i) => (i === head ? { ...step, steps: changeList(step.steps, rest, change) } : step));
}

export function moved<T>(list: readonly T[], from: number, to: number): T[] {
  if (to < 0 || to >= list.length) return [...list];
  const next = [...list];
  const [item] = next.splice(from, 1);
  next.splice(to, 0, item!);
  return next;
}
