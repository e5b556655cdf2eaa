/**
 * The page's side of automation without rendering: the store keeps the engine's automation
 * status, stale marks and the origin of sent data (copied, never merged), and the panel's working
 * copy turns into exactly what the automate method takes.
 */
import { describe, expect, it } from 'vitest';
import { automationOf, draftOf, newRule } from '@renderer/automation/automation-draft';
import { createInspectorStore } from '@renderer/store/inspector-store';
import { decodeWorkspace, encodeWorkspace } from '@renderer/workspace/workspace-file';
import { DEFAULT_WORKSPACE } from '@renderer/workspace/workspace-store';
import { automationSchema, sessionConfigSchema, type InspectorEvent } from '@shared/contract';
import { connectionInfo, sessionEvent, sessionInfo } from '../support/renderer/fake-bridge';

const batch = (...events: InspectorEvent[]) => ({ events, coalesced: 0 });

describe('the store', () => {
  it('keeps automation status, stale marks and the origin of replies', () => {
    const store = createInspectorStore();
    store
      .getState()
      .applyBatch(batch(sessionEvent(sessionInfo({ id: 's1', kind: 'tcp-server', connections: [connectionInfo('c1', 5000)] }))));
    const hostile = JSON.parse(
      '{"rules":[{"id":"r1","hits":3,"replies":2,"limited":1,"failures":0,"lastHitAt":5,"__proto__":{"polluted":true}}],"heartbeats":7}',
    );
    store.getState().applyBatch(
      batch(
        { type: 'automation', at: 1, sessionId: 's1', status: hostile },
        { type: 'liveness', at: 42, sessionId: 's1', connId: 'c1', stale: true, silentMs: 300, action: 'stale' },
        {
          type: 'data',
          at: 43,
          sessionId: 's1',
          connId: 'c1',
          dir: 'tx',
          bytes: new Uint8Array([1]),
          origin: { kind: 'rule', ruleId: 'r1', name: 'PING' },
        },
      ),
    );
    const state = store.getState();
    expect(state.sessions.get('s1')!.automation).toEqual({
      rules: [{ id: 'r1', hits: 3, replies: 2, limited: 1, failures: 0, lastHitAt: 5 }],
      heartbeats: 7,
    });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(state.connections.get('s1')!.get('c1')!.staleSince).toBe(42);
    const entries = state.logs.get('s1')!.entries;
    // The stale mark is a lifecycle row of its own, then the reply with its origin.
    expect(entries.at(0)!.lifecycle).toEqual({ kind: 'stale', stale: true, silentMs: 300, action: 'stale' });
    expect(entries.at(1)!.origin).toEqual({ kind: 'rule', ruleId: 'r1', name: 'PING' });

    store
      .getState()
      .applyBatch(batch({ type: 'liveness', at: 50, sessionId: 's1', connId: 'c1', stale: false, silentMs: 308, action: 'stale' }));
    expect(store.getState().connections.get('s1')!.get('c1')!.staleSince).toBeUndefined();
  });
});

describe('the panel working copy', () => {
  it('round-trips a config, and gives nothing (automation off) when nothing is set', () => {
    const config = automationSchema.parse({
      rules: [{ id: 'a', match: { on: 'hex', kind: 'starts', pattern: '01 ??' }, reply: { format: 'hex', value: '02 {{$1}}' } }],
      framing: { mode: 'delimiter', delimiter: '0d 0a' },
      heartbeat: { intervalMs: 250, payload: { format: 'text', value: 'hb' } },
      liveness: { silenceMs: 900, action: 'close' },
    });
    const made = automationOf(draftOf(config), 'tcp-server');
    expect(made.ok).toBe(true);
    if (made.ok) expect(automationSchema.parse(made.automation)).toEqual(config);
    expect(automationOf(draftOf(undefined), 'udp')).toEqual({ ok: true, automation: undefined });
  });

  it('names the fields that are wrong, and never offers reconnect to a listener', () => {
    const draft = draftOf(undefined);
    draft.heartbeat = { enabled: true, intervalText: '0', format: 'text', value: 'x' };
    draft.liveness = { enabled: true, silenceText: 'soon', action: 'reconnect' };
    draft.framing = { ...draft.framing, mode: 'delimiter', delimiter: 'zz' };
    const made = automationOf(draft, 'tcp-server');
    expect(made).toEqual({ ok: false, fields: new Set(['heartbeatInterval', 'silence', 'delimiter']) });
    draft.heartbeat.intervalText = '10';
    draft.liveness.silenceText = '100';
    draft.framing.delimiter = '0a';
    const fixed = automationOf(draft, 'tcp-server');
    expect(fixed.ok && fixed.automation?.liveness?.action).toBe('close');
  });

  it('gives each new rule an id of its own, disabled until the user enables it', () => {
    const first = newRule([]);
    const second = newRule([first, { ...first, id: 'r2' }]);
    expect(first).toMatchObject({ id: 'r1', enabled: false });
    expect(second.id).toBe('r3');
  });
});

describe('the workspace', () => {
  it('keeps a saved session’s rules, heartbeat and liveness in its file', () => {
    const config = sessionConfigSchema.parse({
      kind: 'tcp-client',
      host: '127.0.0.1',
      port: 502,
      automation: {
        rules: [
          { id: 'r1', name: 'echo', match: { on: 'text', kind: 'regex', pattern: '^(.*)$' }, reply: { format: 'text', value: '{{$1}}' } },
        ],
        liveness: { silenceMs: 3000, action: 'reconnect' },
      },
    });
    const bytes = encodeWorkspace({ ...DEFAULT_WORKSPACE, payloads: [], savedSessions: [{ id: 'x', name: 'PLC', config }] }, new Date(0));
    const read = decodeWorkspace(bytes, () => 'y');
    expect(read.ok).toBe(true);
    if (read.ok) expect(read.contents.savedSessions[0]!.config).toEqual(config);
  });
});
