/**
 * The renderer's readers of outside input — a workspace file the user opens, a transcript file,
 * and what localStorage holds (anyone can edit it) — fed what fast-check makes: none may throw,
 * and what they let through is always well-formed.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { LINE_ENDINGS, TEXT_ENCODINGS } from '@shared/contract';
import { createPayloadLibrary, MAX_SAVED_PAYLOADS } from '@renderer/composer/payload-library';
import { createSendHistory, SEND_HISTORY_STORAGE_KEY, type SendHistoryState } from '@renderer/composer/send-history';
import { parsePortText } from '@renderer/form-validation';
import { framingConfigOf } from '@renderer/log/framing-config';
import {
  DEFAULT_FRAMING,
  DEFAULT_ROW_LOOK,
  LOG_PREFS_STORAGE_KEY,
  LOG_VIEWS,
  MAX_LOG_LIMIT,
  MIN_LOG_LIMIT,
  persistedLogPrefs,
} from '@renderer/store/log-prefs';
import { loadTranscript } from '@renderer/transcripts/load-transcript';
import { decodeWorkspace, encodeWorkspace, type WorkspaceContents } from '@renderer/workspace/workspace-file';
import { createWorkspaceStore } from '@renderer/workspace/workspace-store';
import { anyJson, DEPTH, jsonHostileLiterals, POISON_KEYS, replaceAt } from '../support/hostile-input';
import { encodeAll, tcpRecords, udpRecords } from '../support/transcript-fixtures';
import { frameAll } from '../support/collect';

afterEach(() => localStorage.clear());

/** JSON text of anything, or of an object with prototype-ish keys. */
const anyJsonText = fc.oneof(
  fc.json(),
  anyJson().map((value) => JSON.stringify(value) ?? 'null'),
  fc.string({ unit: 'binary', maxLength: 100 }),
  fc.constantFrom(...jsonHostileLiterals().map(([, text]) => text)),
);

describe('localStorage readers', () => {
  it('the log preferences read back give well-formed preferences, and framing that ends, for anything stored', () => {
    const stored = fc.oneof(
      anyJsonText,
      fc
        .record(
          {
            logLimit: fc.oneof(fc.double(), fc.integer()),
            logView: fc.oneof(fc.constantFrom(...LOG_VIEWS), fc.string()),
            logEncoding: fc.oneof(fc.constantFrom(...TEXT_ENCODINGS), fc.string()),
            framing: fc.record(
              {
                mode: fc.constantFrom('raw', 'delimiter', 'length', 'fixed', 'gap', '__proto__'),
                delimiter: fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('0a', '', '0d 0a', 'zz')),
                lengthSize: fc.oneof(fc.constantFrom(0, 1, 2, 3, 4), fc.double()),
                lengthOffset: fc.oneof(fc.integer(), fc.double()),
                adjustment: fc.oneof(fc.integer(), fc.double()),
                fixedSize: fc.oneof(fc.integer(), fc.double()),
                gapMs: fc.oneof(fc.integer(), fc.double()),
                includesHeader: fc.oneof(fc.boolean(), fc.string()),
              },
              { requiredKeys: [] },
            ),
          },
          { requiredKeys: [] },
        )
        .map((value) => JSON.stringify(value)),
    );
    const defaults = {
      logLimit: 100_000,
      logView: 'text' as const,
      logEncoding: 'utf-8' as const,
      framing: DEFAULT_FRAMING,
      rowLook: DEFAULT_ROW_LOOK,
    };
    fc.assert(
      fc.property(stored, fc.uint8Array({ maxLength: 64 }), (text, bytes) => {
        const prefs = persistedLogPrefs({ getItem: () => text, setItem: () => undefined }, defaults).load();
        expect(prefs.logLimit).toBeGreaterThanOrEqual(MIN_LOG_LIMIT);
        expect(prefs.logLimit).toBeLessThanOrEqual(MAX_LOG_LIMIT);
        expect(LOG_VIEWS).toContain(prefs.logView);
        expect(TEXT_ENCODINGS).toContain(prefs.logEncoding);
        const choice = framingConfigOf(prefs.framing);
        if (choice.ok && choice.config.mode !== 'lines')
          expect(frameAll(choice.config, [{ bytes, at: 0 }]).reduce((n, f) => n + f.end - f.start, 0)).toBe(bytes.length);
      }),
      { numRuns: 1000 },
    );
    expect(
      persistedLogPrefs(
        {
          getItem: () => {
            throw new Error('storage off');
          },
          setItem: () => undefined,
        },
        defaults,
      ).load(),
    ).toBe(defaults);
    expect(LOG_PREFS_STORAGE_KEY).toMatch(/socket-inspector/);
  });

  it('the stored workspace keeps only well-formed sessions and endpoints, whatever is stored', () => {
    const session = fc.record(
      {
        id: fc.oneof(fc.string(), fc.integer()),
        name: fc.oneof(fc.string(), fc.constant(null)),
        config: fc.oneof(anyJson(), fc.constant({ kind: 'tcp-server', host: '127.0.0.1', port: 80 })),
      },
      { requiredKeys: [] },
    );
    const stored = fc.oneof(
      anyJson(),
      fc.record(
        {
          savedSessions: fc.oneof(fc.array(fc.oneof(session, anyJson()), { maxLength: 5 }), anyJson()),
          recentEndpoints: fc.oneof(
            fc.array(
              fc.oneof(
                fc.record({
                  kind: fc.constantFrom('udp', 'tcp-client', 'x'),
                  host: fc.oneof(fc.string(), fc.constant('::1')),
                  port: fc.oneof(fc.integer(), fc.double()),
                }),
                anyJson(),
              ),
              { maxLength: 5 },
            ),
            anyJson(),
          ),
          theme: fc.oneof(fc.constantFrom('system', 'dark', '__proto__'), anyJson()),
          language: fc.oneof(fc.constantFrom('en', 'zh-CN', 'constructor'), anyJson()),
        },
        { requiredKeys: [] },
      ),
    );
    fc.assert(
      fc.property(stored, (raw) => {
        const text = JSON.stringify({ state: raw, version: 1 });
        const data = createWorkspaceStore({ getItem: () => text, setItem: () => undefined }).getState();
        for (const saved of data.savedSessions) expect(['tcp-server', 'tcp-client', 'udp']).toContain(saved.config.kind);
        for (const recent of data.recentEndpoints) expect(Number.isInteger(recent.port)).toBe(true);
        expect(['system', 'light', 'dark']).toContain(data.theme);
      }),
      { numRuns: 1000 },
    );
  });

  it('the payload library imports only well-formed payloads, at most its limit', () => {
    const item = fc.record(
      {
        id: fc.oneof(fc.string({ maxLength: 4 }), fc.integer()),
        name: fc.oneof(fc.string(), fc.constant(null)),
        format: fc.constantFrom('text', 'hex', 'base64', '__proto__'),
        value: fc.oneof(fc.string(), fc.integer()),
        encoding: fc.constantFrom(...TEXT_ENCODINGS, 'ebcdic'),
        lineEnding: fc.constantFrom(...LINE_ENDINGS, 'lfcr'),
        savedAt: fc.oneof(fc.double(), fc.string()),
      },
      { requiredKeys: [] },
    );
    const library = createPayloadLibrary(localStorage);
    fc.assert(
      fc.property(fc.oneof(fc.array(fc.oneof(item, anyJson()), { maxLength: 20 }), anyJson()), (raw) => {
        const count = library.getState().importItems(raw);
        const items = library.getState().items;
        expect(items).toHaveLength(count);
        expect(count).toBeLessThanOrEqual(MAX_SAVED_PAYLOADS);
        for (const saved of items) {
          expect(['text', 'hex']).toContain(saved.format);
          expect(Number.isFinite(saved.savedAt)).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('the send history reads back only well-formed entries from whatever storage holds', () => {
    let entries: SendHistoryState['entries'] = [];
    for (const text of [
      '{',
      'null',
      '[]',
      '{"state":{"entries":{"__proto__":[]}},"version":1}',
      '{"state":{"entries":[{"format":"text","value":1},{"format":"hex","value":"00","encoding":"utf-8","lineEnding":"lf"}]},"version":1}',
    ]) {
      localStorage.setItem(SEND_HISTORY_STORAGE_KEY, text);
      entries = createSendHistory(localStorage).getState().entries;
      for (const entry of entries) {
        expect(['text', 'hex']).toContain(entry.format);
        expect(typeof entry.value).toBe('string');
      }
    }
    // Stored before escapes could be turned off: they were on.
    expect(entries).toEqual([{ format: 'hex', value: '00', encoding: 'utf-8', escapes: true, lineEnding: 'lf' }]);
  });
});

describe('files the user opens', () => {
  const contents: WorkspaceContents = {
    savedSessions: [
      {
        id: 'a',
        name: 'bench',
        config: {
          kind: 'tcp-client',
          host: '127.0.0.1',
          port: 9,
          localPort: 0,
          connectTimeoutMs: 1000,
          noDelay: true,
          halfOpen: false,
          halfCloseLingerMs: 5000,
          keepAlive: false,
          keepAliveInitialDelayMs: 0,
          reconnect: { enabled: false, initialDelayMs: 500, maxDelayMs: 1000, maxAttempts: 0 },
        },
      },
    ],
    recentEndpoints: [{ kind: 'udp', host: '::1', port: 5000 }],
    payloads: [
      { id: 'p1', name: 'ping', format: 'text', value: 'ping\\n', encoding: 'utf-8', escapes: true, lineEnding: 'none', savedAt: 1 },
    ],
    theme: 'dark',
    language: 'zh-CN',
  };
  const good = JSON.parse(new TextDecoder().decode(encodeWorkspace(contents, new Date(0)))) as Record<string, unknown>;
  const paths = (value: unknown, path: (string | number)[] = []): (string | number)[][] =>
    typeof value === 'object' && value !== null
      ? [path, ...Object.entries(value).flatMap(([k, v]) => paths(v, [...path, Array.isArray(value) ? Number(k) : k]))]
      : [path];

  it('decodeWorkspace opens a file whole or names its problems, whatever it holds', () => {
    const mutated = fc.oneof(
      fc.tuple(fc.constantFrom(...paths(good)), anyJson()).map(([path, value]) => JSON.stringify(replaceAt(good, path, value))),
      fc
        .tuple(fc.constantFrom(...paths(good)), fc.constantFrom(...jsonHostileLiterals().map(([, text]) => text)))
        .map(([path, literal]) => JSON.stringify(replaceAt(good, path, '@@HOSTILE@@')).replace('"@@HOSTILE@@"', literal)),
      fc
        .tuple(fc.constantFrom(...POISON_KEYS), anyJson())
        .map(([key, value]) => `{${JSON.stringify(key)}:${JSON.stringify(value) ?? 'null'},${JSON.stringify(good).slice(1)}`),
      anyJsonText,
    );
    let id = 0;
    fc.assert(
      fc.property(
        fc.oneof(
          mutated.map((text) => new TextEncoder().encode(text)),
          fc.uint8Array({ maxLength: 200 }),
        ),
        (bytes) => {
          const reading = decodeWorkspace(bytes, () => `id${++id}`);
          if (reading.ok) {
            for (const saved of reading.contents.savedSessions) expect(['tcp-server', 'tcp-client', 'udp']).toContain(saved.config.kind);
            return;
          }
          expect(reading.problems.length).toBeGreaterThan(0);
          expect(reading.problems.length).toBeLessThanOrEqual(20);
          for (const problem of reading.problems) {
            expect(typeof problem.path).toBe('string');
            expect(problem.message.length).toBeGreaterThan(0);
            expect(problem.message.length).toBeLessThan(2000);
          }
        },
      ),
      { numRuns: 1000 },
    );
  });

  it(`decodeWorkspace refuses a version nested ${DEPTH} levels deep or megabytes long, briefly`, () => {
    for (const version of [`${'['.repeat(DEPTH)}${']'.repeat(DEPTH)}`, JSON.stringify('9'.repeat(5_000_000))]) {
      const text = JSON.stringify({ ...good, version: '@@HOSTILE@@' }).replace('"@@HOSTILE@@"', version);
      const reading = decodeWorkspace(new TextEncoder().encode(text), () => 'id');
      expect(reading.ok).toBe(false);
      if (!reading.ok) expect(reading.problems[0]!.message.length).toBeLessThan(2000);
    }
  });

  it('loadTranscript shows a transcript, or says why not, for any bytes, whole files cut or damaged anywhere', () => {
    const files = [encodeAll(tcpRecords()), encodeAll(udpRecords())];
    const limits = { maxLogEntries: 50, maxLogBytes: 64 * 1024, maxErrors: 10 };
    const damaged = fc
      .tuple(fc.constantFrom(...files), fc.nat(), fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 8 }))
      .map(([file, cut, at, junk]) => {
        const kept = file.slice(0, cut % (file.length + 1));
        const where = at % (kept.length + 1);
        return new Uint8Array([...kept.subarray(0, where), ...junk, ...kept.subarray(where + junk.length)]);
      });
    fc.assert(
      fc.property(fc.oneof(damaged, fc.uint8Array({ maxLength: 300 })), (bytes) => {
        const load = loadTranscript('t1', 'file.jsonl', bytes, limits);
        if (!load.ok) expect(['neither', 'unreadable']).toContain(load.refusal.type);
      }),
      { numRuns: 300 },
    );
  });

  it('parsePortText reads a number or NaN from any text', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ unit: 'binary' }), fc.constantFrom('1e999', '-0', '+80', '0x50', '8_0', '٨٠', ' 80 ', '80.')),
        (text) => {
          expect(typeof parsePortText(text)).toBe('number');
        },
      ),
      { numRuns: 2000 },
    );
  });
});
