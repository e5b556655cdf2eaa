/** Saving the workspace to a file and opening one; the file dialog itself is stubbed. */
import { act, screen, waitFor, within } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { FileAccess, OpenedFile, RecordingSave } from '@renderer/api/files';
import { WORKSPACE_STORAGE_KEY } from '@renderer/workspace/workspace-store';
import { decodeWorkspace, encodeWorkspace, MAX_WORKSPACE_FILE_BYTES } from '@renderer/workspace/workspace-file';
import { problemsPhrase, readSequence, sequenceText } from '@renderer/protocol/sequence-library';
import { sayer } from '@renderer/i18n/languages';
import { issuePhrase } from '@shared/validate';
import type { SequenceInput } from '@shared/contract';
import { ok } from '@shared/result';
import { DEFAULT_MAX_CONNECTIONS } from '@shared/limits';
import { createFakeBridge, sessionInfo } from '../support/renderer/fake-bridge';
import { dialog, fillEndpoint, openDialog, retype } from '../support/renderer/open-session';
import { renderAppWith } from '../support/renderer/render-app';

beforeEach(() => localStorage.clear());

function stubFiles(opened?: OpenedFile) {
  const saved: { name: string; bytes: Uint8Array }[] = [];
  const files: FileAccess = {
    save: vi.fn(async (name: string, bytes: Uint8Array) => {
      saved.push({ name, bytes });
      return ok(true);
    }),
    open: vi.fn(async () => ok(opened ?? null)),
    saveRecording: vi.fn(async () => ok<RecordingSave>('saved')),
    recordingFolder: undefined,
  };
  return { files, saved };
}

const encode = (value: unknown) => new TextEncoder().encode(typeof value === 'string' ? value : JSON.stringify(value));

const validFile = {
  format: 'socket-inspector-workspace',
  version: 1,
  sessions: [
    { name: 'PLC', config: { kind: 'tcp-client', host: '192.168.1.10', port: 502 } },
    { name: 'Beacons', config: { kind: 'udp', host: '0.0.0.0', port: 5353, reuseAddress: true } },
  ],
  recentEndpoints: [{ kind: 'tcp-client', host: '192.168.1.10', port: 502 }],
  payloads: [
    {
      id: 'p1',
      name: 'Modbus read',
      format: 'hex',
      value: '00 01 00 00 00 06 01 03 00 00 00 0a',
      encoding: 'utf-8',
      lineEnding: 'none',
      savedAt: 1,
    },
  ],
  preferences: { theme: 'dark', language: 'zh-CN' },
};

describe('workspace files', () => {
  it('saves the documented JSON: format, version, sessions, recent endpoints, payloads, preferences', async () => {
    const fake = createFakeBridge();
    fake.answer('open', ok(sessionInfo({ id: 's1', port: 4242 })));
    const { files, saved } = stubFiles();
    const { user, stores } = renderAppWith(fake.bridge, { files });
    await openDialog(user);
    await fillEndpoint(user, 'TCP server', '127.0.0.1', '4242');
    await user.click(dialog().getByRole('checkbox', { name: 'Save in workspace' }));
    await retype(user, dialog().getByRole('textbox', { name: 'Name in workspace' }), 'Echo');
    await user.click(dialog().getByRole('button', { name: 'Listen' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    await user.click(within(screen.getByRole('group', { name: 'Theme' })).getByRole('button', { name: 'Dark' }));
    act(
      () =>
        void stores.payloads
          .getState()
          .save('hello', { format: 'text', value: 'hi\\r\\n', encoding: 'utf-8', escapes: true, lineEnding: 'none' }),
    );

    await user.click(screen.getByRole('button', { name: 'Save workspace' }));
    await waitFor(() => expect(saved).toHaveLength(1));
    expect(saved[0]!.name).toBe('socket-inspector-workspace.json');
    expect(vi.mocked(files.save).mock.calls[0]![2]).toEqual([{ name: 'Socket Inspector workspace', extensions: ['json'] }]);
    const json = JSON.parse(new TextDecoder().decode(saved[0]!.bytes)) as Record<string, unknown>;
    const payload = stores.payloads.getState().items[0]!;
    expect(json).toEqual({
      format: 'socket-inspector-workspace',
      version: 1,
      savedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      sessions: [
        {
          name: 'Echo',
          config: {
            kind: 'tcp-server',
            host: '127.0.0.1',
            port: 4242,
            maxConnections: DEFAULT_MAX_CONNECTIONS,
            ipv6Only: false,
            noDelay: true,
            halfOpen: false,
            halfCloseLingerMs: 5000,
            keepAlive: false,
            keepAliveInitialDelayMs: 0,
          },
        },
      ],
      recentEndpoints: [{ kind: 'tcp-server', host: '127.0.0.1', port: 4242 }],
      payloads: [
        {
          id: payload.id,
          name: 'hello',
          format: 'text',
          value: 'hi\\r\\n',
          encoding: 'utf-8',
          escapes: true,
          lineEnding: 'none',
          savedAt: payload.savedAt,
        },
      ],
      preferences: { theme: 'dark' },
    });
    expect(await screen.findByText(/^Workspace saved: 1 saved session/)).toBeInTheDocument();
  });

  it('opens a file: saved sessions, recent endpoints, payloads, theme and language all restored', async () => {
    const { files } = stubFiles({ name: 'plant.json', bytes: encode(validFile) });
    const { user, stores } = renderAppWith(createFakeBridge().bridge, { files });
    await user.click(screen.getByRole('button', { name: 'Open workspace' }));

    // The file asked for Chinese, so everything now speaks it.
    expect(await screen.findByText('已打开 plant.json：2 个已保存的会话，1 个已保存的负载。')).toBeInTheDocument();
    const saved = within(screen.getByRole('list', { name: '已保存的会话' }));
    expect(saved.getByText('PLC')).toBeInTheDocument();
    expect(saved.getByText('Beacons')).toBeInTheDocument();
    expect(within(screen.getByRole('group', { name: '主题' })).getByRole('button', { name: '深色' })).toHaveAttribute(
      'aria-pressed',
      'true',
    );
    expect(stores.payloads.getState().items.map((p) => p.name)).toEqual(['Modbus read']);
    const stored = JSON.parse(localStorage.getItem(WORKSPACE_STORAGE_KEY)!) as { state: Record<string, unknown> };
    expect(stored.state).toMatchObject({
      theme: 'dark',
      language: 'zh-CN',
      recentEndpoints: [{ kind: 'tcp-client', host: '192.168.1.10', port: 502 }],
    });

    await user.click(screen.getByRole('button', { name: '新建会话' }));
    const recent = within(await screen.findByRole('region', { name: '最近使用的端点' }));
    expect(recent.getByRole('button', { name: '使用 TCP 客户端 192.168.1.10:502' })).toBeInTheDocument();
  });

  it.each([
    [
      'a newer version',
      { ...validFile, version: 2 },
      'version: Version 2 is not supported: this version of Socket Inspector reads version 1.',
    ],
    [
      'port 70000',
      { ...validFile, sessions: [{ name: 'PLC', config: { kind: 'tcp-client', host: '192.168.1.10', port: 70000 } }] },
      'sessions[0].config.port: Port 70000 is out of range: use 0–65535 (0 picks a free port).',
    ],
    ['a __proto__ key', `{"__proto__":{"polluted":true},${JSON.stringify(validFile).slice(1)}`, 'Unrecognized key: "__proto__"'],
    [
      'a payload with an unknown encoding',
      { ...validFile, payloads: [{ ...validFile.payloads[0], encoding: 'ebcdic' }] },
      'payloads[0].encoding: Encoding must be one of',
    ],
    ['text that is not JSON', '{"format": "socket-inspector-workspace",', 'The file is not JSON text'],
    ["another app's JSON", { format: 'postman-collection', version: 1 }, 'format: This is not a Socket Inspector workspace'],
  ])('refuses %s, names the problem, and changes nothing', async (_what, content, message) => {
    const fake = createFakeBridge();
    fake.answer('list', ok([sessionInfo({ id: 's1', port: 4000 })]));
    const { files } = stubFiles({ name: 'bad.json', bytes: encode(content) });
    const { user, stores } = renderAppWith(fake.bridge, { files });
    await user.click(await screen.findByRole('button', { name: 'More actions for TCP server 127.0.0.1:4000' }));
    await user.click(screen.getByRole('menuitem', { name: 'Save to workspace' }));
    act(
      () =>
        void stores.payloads
          .getState()
          .save('keep me', { format: 'hex', value: 'ff', encoding: 'utf-8', escapes: true, lineEnding: 'none' }),
    );
    const storedBefore = localStorage.getItem(WORKSPACE_STORAGE_KEY);

    await user.click(screen.getByRole('button', { name: 'Open workspace' }));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('bad.json was not opened; nothing was changed');
    expect(alert).toHaveTextContent(message);
    expect(localStorage.getItem(WORKSPACE_STORAGE_KEY)).toBe(storedBefore);
    expect(within(screen.getByRole('list', { name: 'Saved sessions' })).getAllByRole('listitem')).toHaveLength(1);
    expect(stores.payloads.getState().items.map((p) => p.name)).toEqual(['keep me']);
    expect(within(screen.getByRole('group', { name: 'Theme' })).getByRole('button', { name: 'System' })).toHaveAttribute(
      'aria-pressed',
      'true',
    );
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});

describe('sequences in workspace files', () => {
  const sequence = {
    name: 'Poll',
    framing: { mode: 'gap', gapMs: 30 },
    steps: [
      {
        kind: 'send',
        name: 'ask',
        payload: { format: 'hex', value: '01 03 00 {{counter bytes=1}} 00 01', checksum: { algorithm: 'crc16-modbus' } },
      },
      { kind: 'repeat', name: 'loop', times: 2, steps: [{ kind: 'wait', name: '', ms: 10 }] },
    ],
  };

  it('round-trips sequences, and a file without them leaves the saved ones alone', () => {
    const contents = decodeWorkspace(encode({ ...validFile, sequences: [sequence] }), () => 'id');
    expect(contents.ok && contents.contents.sequences?.map((s) => s.name)).toEqual(['Poll']);
    if (!contents.ok) return;
    const again = decodeWorkspace(encodeWorkspace(contents.contents, new Date(0)), () => 'id');
    expect(again.ok && again.contents.sequences).toEqual(contents.contents.sequences);
    const without = decodeWorkspace(encode(validFile), () => 'id');
    expect(without.ok && without.contents.sequences).toBeUndefined();
  });

  it('refuses a malformed sequence, naming where', () => {
    const bad = { ...sequence, steps: [{ kind: 'expect', match: { on: 'hex', kind: 'starts', pattern: '01' }, timeoutMs: 0 }] };
    const reading = decodeWorkspace(encode({ ...validFile, sequences: [bad] }), () => 'id');
    expect(reading.ok).toBe(false);
    if (!reading.ok) expect(reading.problems[0]).toMatchObject({ path: 'sequences[0].steps[0].timeoutMs' });
  });

  it('a sequence file reads back strictly, each problem at its path', () => {
    expect(readSequence(sequenceText(sequence as SequenceInput))).toMatchObject({ ok: true, sequence: { name: 'Poll' } });
    const said = (text: string, language: 'en' | 'zh-CN') => {
      const reading = readSequence(text);
      if (reading.ok) throw new Error(`${text} was read as a sequence`);
      return sayer(language)(problemsPhrase(reading.problems));
    };
    const badKind = '{"name":"x","steps":[{"kind":"jump"}]}';
    expect(said(badKind, 'en')).toBe('steps[0].kind: A step is send, wait, expect or repeat.');
    expect(said(badKind, 'zh-CN')).toMatch(/^steps\[0\]\.kind：/);
    expect(said(badKind, 'zh-CN')).not.toMatch(/[A-Za-z]{3,} [A-Za-z]{3,}/);
    expect(said('{', 'en')).toBe('The text is not JSON.');
    expect(said('{', 'zh-CN')).toBe('这段文本不是 JSON。');
  });

  it('a workspace file that is not JSON, or too big, is said in Chinese with no English left in it', () => {
    const zh = (bytes: Uint8Array) => {
      const reading = decodeWorkspace(bytes, () => 'id');
      if (reading.ok) throw new Error('the file was read as a workspace');
      return reading.problems.map((problem) => sayer('zh-CN')(issuePhrase({ message: problem.message })));
    };
    expect(zh(encode('{"format": "socket-inspector-workspace",'))).toEqual(['文件不是 JSON 文本。']);
    const [tooBig] = zh(new Uint8Array(MAX_WORKSPACE_FILE_BYTES + 1));
    expect(tooBig).toBe(`文件有 ${MAX_WORKSPACE_FILE_BYTES + 1} 字节；工作区文件最多 ${MAX_WORKSPACE_FILE_BYTES} 字节。`);
  });
});
