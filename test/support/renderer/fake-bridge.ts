/**
 * A scripted InspectorBridge for pure component tests: every method is a spy answering with a
 * result the test sets, and `emit` delivers events as the engine would.
 */
import { act } from '@testing-library/react';
import { vi, type Mock } from 'vitest';
import {
  METHOD_NAMES,
  tcpClientConfigSchema,
  tcpServerConfigSchema,
  udpConfigSchema,
  type ConnectionInfo,
  type InspectorBridge,
  type InspectorEvent,
  type MethodName,
  type RecordingInfo,
  type SessionInfo,
  type SessionKind,
  type SessionState,
} from '@shared/contract';
import { batchListeners, buildApi } from '@shared/api-object';
import { ok, type Result } from '@shared/result';

export interface FakeBridge {
  bridge: InspectorBridge;
  spies: Record<MethodName, Mock<(args: unknown) => Promise<Result<unknown>>>>;
  /** Set what a method answers from now on. */
  answer(method: MethodName, result: Result<unknown>): void;
  emit(...events: InspectorEvent[]): void;
}

const DEFAULT_ANSWERS: Record<MethodName, Result<unknown>> = {
  open: ok(null),
  close: ok(null),
  reopen: ok(null),
  remove: ok(null),
  restore: ok(null),
  send: ok({ bytes: 0, targets: 0 }),
  disconnect: ok(null),
  resetCounters: ok(null),
  multicast: ok(null),
  list: ok([]),
  history: ok({ seq: 0, logs: [] }),
  record: ok(recordingInfo()),
  recordingSettings: ok({ folder: '/home/tester/Socket Inspector/recordings', recordByDefault: true }),
  addresses: ok([
    { interface: 'lo', address: '127.0.0.1', family: 'IPv4', internal: true },
    { interface: 'lo', address: '::1', family: 'IPv6', internal: true },
    { interface: 'eth0', address: '192.168.1.20', family: 'IPv4', internal: false },
  ]),
  automate: ok(null),
  repeat: ok({ state: 'stopped', sent: 0, intervalMs: 1000, startedAt: 0, skipped: 0 }),
  hold: ok(null),
  held: ok([]),
  inject: ok({ bytes: 0, targets: 0 }),
  preview: ok({ bytes: new Uint8Array(0) }),
  sequence: ok({ name: 'seq', state: 'stopped', startedAt: 0, stepsDone: 0 }),
  keys: ok({ keyRef: `key-${'b'.repeat(32)}` }),
  certificate: ok({
    cert: '-----BEGIN CERTIFICATE-----\nfake\n-----END CERTIFICATE-----\n',
    keyRef: `key-${'a'.repeat(32)}`,
    summary: {
      subject: 'CN=localhost',
      issuer: 'CN=localhost',
      validFrom: '2026-01-01T00:00:00.000Z',
      validTo: '2027-01-01T00:00:00.000Z',
      fingerprint256: 'AA:BB',
      serialNumber: '01',
      selfSigned: true,
    },
  }),
};

export function createFakeBridge(): FakeBridge {
  const events = batchListeners();
  const answers = new Map<MethodName, Result<unknown>>(Object.entries(DEFAULT_ANSWERS) as [MethodName, Result<unknown>][]);
  const spies = Object.fromEntries(
    METHOD_NAMES.map((method) => [method, vi.fn(async (_args: unknown) => answers.get(method)!)]),
  ) as FakeBridge['spies'];
  const bridge = buildApi<InspectorBridge>(METHOD_NAMES, (method, args) => spies[method](args), events.onEvents);
  return {
    bridge,
    spies,
    answer: (method, result) => answers.set(method, result),
    emit: (...emitted) => {
      act(() => events.deliver({ events: emitted, coalesced: 0 }));
    },
  };
}

const zero = () => ({ rxBytes: 0, txBytes: 0, rxMessages: 0, txMessages: 0 });

/** A recording as the recorder reports it; active unless told otherwise. */
export function recordingInfo(options: Partial<RecordingInfo> = {}): RecordingInfo {
  const fileName = options.fileName ?? 's1-tcp-server-20250101-120000.jsonl';
  return {
    active: options.active ?? true,
    path: options.path ?? `/home/tester/Socket Inspector/recordings/${fileName}`,
    fileName,
    startedAt: options.startedAt ?? Date.UTC(2025, 0, 1, 12),
    records: options.records ?? 1,
    bytes: options.bytes ?? 512,
    ...(options.error ? { error: options.error } : {}),
  };
}

export const recordingEvent = (sessionId: string, recording: RecordingInfo): InspectorEvent => ({
  type: 'recording',
  at: Date.now(),
  sessionId,
  recording,
});

export function sessionInfo(options: {
  id: string;
  kind?: SessionKind;
  state?: SessionState;
  host?: string;
  port?: number;
  connections?: ConnectionInfo[];
  recording?: RecordingInfo;
}): SessionInfo {
  const kind = options.kind ?? 'tcp-server';
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? (kind === 'tcp-client' ? 7000 : 40000);
  const config =
    kind === 'tcp-server'
      ? tcpServerConfigSchema.parse({ kind, host, port })
      : kind === 'tcp-client'
        ? tcpClientConfigSchema.parse({ kind, host, port })
        : udpConfigSchema.parse({ kind, host, port });
  return {
    id: options.id,
    kind,
    config,
    state: options.state ?? 'open',
    counters: zero(),
    createdAt: Date.UTC(2025, 0, 1),
    ...(kind === 'tcp-client' ? {} : { local: { address: host, port, family: 'IPv4' as const } }),
    connections: options.connections ?? [],
    memberships: [],
    ...(options.recording ? { recording: options.recording } : {}),
  };
}

export function connectionInfo(connId: string, remotePort: number): ConnectionInfo {
  return {
    connId,
    remote: { address: '127.0.0.1', port: remotePort, family: 'IPv4' },
    local: { address: '127.0.0.1', port: 40000, family: 'IPv4' },
    since: Date.UTC(2025, 0, 1, 12, 0, 0),
    counters: zero(),
    peerEnded: false,
    localEnded: false,
    blocked: false,
  };
}

export const sessionEvent = (session: SessionInfo): InspectorEvent => ({ type: 'session', at: Date.now(), session });

export function dataEvent(sessionId: string, dir: 'rx' | 'tx', bytes: Uint8Array | string, connId = 'c1'): InspectorEvent {
  return {
    type: 'data',
    at: Date.UTC(2025, 0, 1, 12, 0, 0, 42),
    sessionId,
    dir,
    connId,
    bytes: typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes,
  };
}
