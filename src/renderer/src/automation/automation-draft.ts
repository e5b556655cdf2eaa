/**
 * The automation panel's working copy: the contract's settings, with the numbers the user types
 * kept as text until Apply, and the conversion back that the `automate` method takes. Pure, so
 * the panel's rules are testable without rendering.
 */
import {
  automationSchema,
  type AutoReplyRule,
  type Automation,
  type AutomationInput,
  type LivenessAction,
  type MessageFraming,
  type SessionKind,
} from '@shared/contract';
import {
  DEFAULT_RULE_RATE_REPLIES,
  DEFAULT_RULE_RATE_WINDOW_MS,
  MAX_SEND_INTERVAL_MS,
  MAX_SILENCE_MS,
  MIN_SEND_INTERVAL_MS,
} from '@shared/limits';

export interface HeartbeatDraft {
  enabled: boolean;
  intervalText: string;
  format: 'text' | 'hex';
  value: string;
}

export interface LivenessDraft {
  enabled: boolean;
  silenceText: string;
  action: LivenessAction;
}

export type FramingDraft = {
  mode: MessageFraming['mode'];
  delimiter: string;
  lengthSize: 1 | 2 | 4;
  littleEndian: boolean;
  includesHeader: boolean;
  fixedText: string;
  gapText: string;
};

export interface AutomationDraft {
  rules: AutoReplyRule[];
  everyMatch: boolean;
  framing: FramingDraft;
  heartbeat: HeartbeatDraft;
  liveness: LivenessDraft;
}

/** A whole number in [min, max] typed as digits, or undefined. */
export function wholeNumber(text: string, min: number, max: number): number | undefined {
  if (!/^\d{1,10}$/.test(text.trim())) return undefined;
  const value = Number(text.trim());
  return value >= min && value <= max ? value : undefined;
}

export const INTERVAL_BOUNDS = { min: MIN_SEND_INTERVAL_MS, max: MAX_SEND_INTERVAL_MS } as const;
export const SILENCE_BOUNDS = { min: 1, max: MAX_SILENCE_MS } as const;
export const GAP_BOUNDS = { min: 1, max: 60_000 } as const;
export const FIXED_BOUNDS = { min: 1, max: 16 * 1024 * 1024 } as const;

export function draftOf(config: Automation | undefined): AutomationDraft {
  const framing = config?.framing ?? { mode: 'raw' };
  const heartbeat = config?.heartbeat;
  const liveness = config?.liveness;
  return {
    rules: config?.rules.map((rule) => structuredClone(rule)) ?? [],
    everyMatch: config?.everyMatch ?? false,
    framing: {
      mode: framing.mode,
      delimiter: framing.mode === 'delimiter' ? framing.delimiter : '0a',
      lengthSize: framing.mode === 'length' ? framing.size : 2,
      littleEndian: framing.mode === 'length' ? framing.littleEndian : false,
      includesHeader: framing.mode === 'length' ? framing.includesHeader : false,
      fixedText: framing.mode === 'fixed' ? String(framing.size) : '8',
      gapText: framing.mode === 'gap' ? String(framing.gapMs) : '50',
    },
    heartbeat: {
      enabled: heartbeat?.enabled ?? false,
      intervalText: String(heartbeat?.intervalMs ?? 1000),
      format: heartbeat?.payload.format === 'hex' ? 'hex' : 'text',
      value: heartbeat?.payload.value ?? '',
    },
    liveness: {
      enabled: liveness?.enabled ?? false,
      silenceText: String(liveness?.silenceMs ?? 5000),
      action: liveness?.action ?? 'stale',
    },
  };
}

/** A new rule with an id not used in `rules`. */
export function newRule(rules: readonly AutoReplyRule[]): AutoReplyRule {
  const used = new Set(rules.map((r) => r.id));
  let n = rules.length + 1;
  while (used.has(`r${n}`)) n += 1;
  return {
    id: `r${n}`,
    name: '',
    enabled: false,
    match: { on: 'text', kind: 'exact', pattern: '', encoding: 'utf-8', ignoreCase: false },
    reply: { format: 'text', value: '', encoding: 'utf-8', escapes: true, lineEnding: 'none' },
    delayMs: 0,
    to: 'sender',
    rateLimit: { replies: DEFAULT_RULE_RATE_REPLIES, perMs: DEFAULT_RULE_RATE_WINDOW_MS },
  };
}

export type DraftField = 'heartbeatInterval' | 'heartbeatPayload' | 'silence' | 'delimiter' | 'fixed' | 'gap';

export type DraftResult = { ok: true; automation: AutomationInput | undefined } | { ok: false; fields: ReadonlySet<DraftField> };

function framingOf(draft: FramingDraft, bad: Set<DraftField>): MessageFraming {
  switch (draft.mode) {
    case 'raw':
      return { mode: 'raw' };
    case 'delimiter':
      return { mode: 'delimiter', delimiter: draft.delimiter, keepDelimiter: false };
    case 'length':
      return {
        mode: 'length',
        size: draft.lengthSize,
        littleEndian: draft.littleEndian,
        offset: 0,
        includesHeader: draft.includesHeader,
        adjustment: 0,
        maxFrame: FIXED_BOUNDS.max,
      };
    case 'fixed': {
      const size = wholeNumber(draft.fixedText, FIXED_BOUNDS.min, FIXED_BOUNDS.max);
      if (size === undefined) bad.add('fixed');
      return { mode: 'fixed', size: size ?? 1 };
    }
    case 'gap': {
      const gapMs = wholeNumber(draft.gapText, GAP_BOUNDS.min, GAP_BOUNDS.max);
      if (gapMs === undefined) bad.add('gap');
      return { mode: 'gap', gapMs: gapMs ?? 1 };
    }
  }
}

/** The settings for `automate`, or which fields are wrong; nothing at all set gives undefined (automation off). */
export function automationOf(draft: AutomationDraft, kind: SessionKind): DraftResult {
  const bad = new Set<DraftField>();
  const framing = framingOf(draft.framing, bad);
  const automation: AutomationInput = { rules: draft.rules, everyMatch: draft.everyMatch, framing };
  const heartbeatUsed = draft.heartbeat.enabled || draft.heartbeat.value !== '';
  if (heartbeatUsed) {
    const intervalMs = wholeNumber(draft.heartbeat.intervalText, INTERVAL_BOUNDS.min, INTERVAL_BOUNDS.max);
    if (intervalMs === undefined) bad.add('heartbeatInterval');
    automation.heartbeat = {
      enabled: draft.heartbeat.enabled,
      intervalMs: intervalMs ?? 1,
      payload: { format: draft.heartbeat.format, value: draft.heartbeat.value },
    };
  }
  const silenceMs = wholeNumber(draft.liveness.silenceText, SILENCE_BOUNDS.min, SILENCE_BOUNDS.max);
  if (draft.liveness.enabled && silenceMs === undefined) bad.add('silence');
  if (draft.liveness.enabled || silenceMs !== undefined) {
    const action = draft.liveness.action === 'reconnect' && kind !== 'tcp-client' ? 'close' : draft.liveness.action;
    automation.liveness = { enabled: draft.liveness.enabled, silenceMs: silenceMs ?? 1, action };
  }
  const checked = automationSchema.safeParse(automation);
  if (!checked.success) {
    for (const issue of checked.error.issues) {
      const [first, second] = issue.path;
      if (first === 'framing') bad.add('delimiter');
      if (first === 'heartbeat' && second === 'payload') bad.add('heartbeatPayload');
    }
  }
  if (bad.size > 0) return { ok: false, fields: bad };
  const nothing = draft.rules.length === 0 && !heartbeatUsed && !draft.liveness.enabled && framing.mode === 'raw';
  return { ok: true, automation: nothing ? undefined : automation };
}
