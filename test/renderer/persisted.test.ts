/**
 * What the renderer keeps in localStorage: one helper reads it through a zod schema, and what
 * earlier versions wrote (zustand's `{ state, version }` layout for three of the keys) still loads.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createSavedStores } from '@renderer/App';
import { PAYLOAD_LIBRARY_STORAGE_KEY } from '@renderer/composer/payload-library';
import { SEND_HISTORY_STORAGE_KEY } from '@renderer/composer/send-history';
import { createInspectorStore } from '@renderer/store/inspector-store';
import { DEFAULT_FRAMING, LOG_PREFS_STORAGE_KEY } from '@renderer/store/log-prefs';
import { persisted, type KeyValueStorage } from '@renderer/store/persisted';
import { WORKSPACE_STORAGE_KEY } from '@renderer/workspace/workspace-store';
import { sessionConfigSchema } from '@shared/contract';

beforeEach(() => localStorage.clear());

const pointSchema = z.object({ x: z.number() });
const fallback = { x: 0 };

function holding(text: string | null): KeyValueStorage & { written: Map<string, string> } {
  const written = new Map<string, string>();
  return { written, getItem: () => text, setItem: (key, value) => void written.set(key, value) };
}

describe('persisted', () => {
  it("loads what was saved, plain or in zustand's envelope", () => {
    const storage = holding(null);
    persisted('k', pointSchema, fallback, { storage }).save({ x: 1 });
    persisted('e', pointSchema, fallback, { storage, version: 1 }).save({ x: 2 });
    expect(JSON.parse(storage.written.get('k')!)).toEqual({ x: 1 });
    expect(JSON.parse(storage.written.get('e')!)).toEqual({ state: { x: 2 }, version: 1 });
    expect(persisted('k', pointSchema, fallback, { storage: holding(storage.written.get('k')!) }).load()).toEqual({ x: 1 });
    expect(persisted('e', pointSchema, fallback, { storage: holding(storage.written.get('e')!), version: 1 }).load()).toEqual({ x: 2 });
  });

  it.each([
    ['nothing stored', null],
    ['text that is not JSON', '{"x":'],
    ['the wrong shape', '{"x":"one"}'],
    ['no envelope where one is expected', '{"x":1}'],
  ])('falls back on %s', (_what, text) => {
    expect(persisted('k', pointSchema, fallback, { storage: holding(text), version: 1 }).load()).toBe(fallback);
  });

  it('falls back when storage throws or is missing, and saving then throws nothing', () => {
    const broken: KeyValueStorage = {
      getItem: () => {
        throw new Error('storage off');
      },
      setItem: () => {
        throw new Error('quota');
      },
    };
    expect(persisted('k', pointSchema, fallback, { storage: broken }).load()).toBe(fallback);
    expect(() => persisted('k', pointSchema, fallback, { storage: broken }).save({ x: 1 })).not.toThrow();
    expect(persisted('k', pointSchema, fallback, { storage: undefined }).load()).toBe(fallback);
  });
});

describe('what an earlier version saved', () => {
  const config = sessionConfigSchema.parse({ kind: 'tcp-server', host: '127.0.0.1', port: 4000 });
  // Exactly as the stores wrote them before they shared one helper.
  const before = {
    [WORKSPACE_STORAGE_KEY]: `{"state":{"savedSessions":[{"id":"w-1","name":"PLC","config":${JSON.stringify(config)}}],"recentEndpoints":[{"kind":"udp","host":"10.0.0.5","port":5000},{"kind":"tcp-client","host":"::1","port":80}],"theme":"dark","language":"zh-CN"},"version":1}`,
    [PAYLOAD_LIBRARY_STORAGE_KEY]:
      '{"state":{"items":[{"id":"p-1","name":"Modbus read","format":"hex","value":"01 03","encoding":"utf-8","lineEnding":"none","savedAt":1700000000000}]},"version":1}',
    [SEND_HISTORY_STORAGE_KEY]: '{"state":{"entries":[{"format":"text","value":"AT","encoding":"gbk","lineEnding":"crlf"}]},"version":1}',
    [LOG_PREFS_STORAGE_KEY]: `{"logLimit":5000,"logView":"both","logEncoding":"gb18030","rowLook":{"wrap":true,"showTime":true,"showDelta":true,"fontSize":12},"framing":${JSON.stringify({ ...DEFAULT_FRAMING, mode: 'delimiter', delimiter: '0d 0a' })}}`,
  };

  it('loads into every store, and is written back in the same layout', () => {
    for (const [key, text] of Object.entries(before)) localStorage.setItem(key, text);
    const saved = createSavedStores(localStorage);
    const inspector = createInspectorStore(undefined, { storage: localStorage });

    expect(saved.workspace.getState()).toMatchObject({
      savedSessions: [{ id: 'w-1', name: 'PLC', config }],
      recentEndpoints: [
        { kind: 'udp', host: '10.0.0.5', port: 5000 },
        { kind: 'tcp-client', host: '::1', port: 80 },
      ],
      theme: 'dark',
      language: 'zh-CN',
    });
    expect(saved.payloads.getState().items).toEqual([
      // Saved before escapes could be turned off: they were on.
      {
        id: 'p-1',
        name: 'Modbus read',
        format: 'hex',
        value: '01 03',
        encoding: 'utf-8',
        escapes: true,
        lineEnding: 'none',
        savedAt: 1700000000000,
      },
    ]);
    expect(saved.sendHistory.getState().entries).toEqual([
      { format: 'text', value: 'AT', encoding: 'gbk', escapes: true, lineEnding: 'crlf' },
    ]);
    expect(inspector.getState()).toMatchObject({
      logLimit: 5000,
      logView: 'both',
      logEncoding: 'gb18030',
      framing: { ...DEFAULT_FRAMING, mode: 'delimiter', delimiter: '0d 0a' },
    });

    // A change to each rewrites its key; with the change undone, each reads as it did before.
    saved.workspace.getState().setTheme('light');
    saved.workspace.getState().setTheme('dark');
    saved.payloads.getState().rename('p-1', 'Modbus read');
    saved.payloads.setState({ items: saved.payloads.getState().items.map((item) => ({ ...item, savedAt: 1700000000000 })) });
    saved.sendHistory.setState({ entries: saved.sendHistory.getState().entries });
    inspector.getState().setLogView('both');
    // The same layout, with the escapes each payload had written out.
    const withEscapes = (text: string) => text.replaceAll('"lineEnding"', '"escapes":true,"lineEnding"');
    const after = {
      ...before,
      [PAYLOAD_LIBRARY_STORAGE_KEY]: withEscapes(before[PAYLOAD_LIBRARY_STORAGE_KEY]),
      [SEND_HISTORY_STORAGE_KEY]: withEscapes(before[SEND_HISTORY_STORAGE_KEY]),
    };
    for (const [key, text] of Object.entries(after)) expect(JSON.parse(localStorage.getItem(key)!)).toEqual(JSON.parse(text));
  });
});
