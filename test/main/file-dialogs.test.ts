import { readdir, readFile, stat, truncate, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SessionManager } from '@engine/session-manager';
import { argSchemas } from '@shared/contract';
import { Recorder } from '@recorder/recorder';
import { MAX_FILE_BYTES } from '@shared/limits';
import type { Result } from '@shared/result';
import { dialogHost, type DialogHost } from '../support/dialogs';
import { forgedEvent } from '../support/ipc';
import { tempDir } from '../support/temp-dir';
import { makeCertificates } from '../support/tls-peers';

let dir: string;
let host: DialogHost;
let manager: SessionManager;

beforeEach(async () => {
  dir = await tempDir('si-files-');
  const recorder = new Recorder({ folder: path.join(dir, 'recordings'), app: { name: 'Socket Inspector', version: 'test' } });
  manager = new SessionManager({ onBatch: () => undefined });
  host = dialogHost({ recorder, openPath: async () => '', keys: manager });
});
afterEach(() => manager.dispose());

const call = (method: 'saveFile' | 'openFile', arg: unknown, event = forgedEvent()) => host.call(method, arg, event);
const json = [{ name: 'Workspace', extensions: ['json'] }];

describe('a private key file chosen in the native dialog', () => {
  it('is read and kept in main: the window gets its name and a reference, and a listener opens with the reference', async () => {
    const certs = makeCertificates(await tempDir('si-key-files-'));
    host.answer.open = certs.files.serverKey;
    const chosen = await host.call('openKeyFile', { filters: [{ name: 'PEM', extensions: ['pem', 'key'] }] });
    expect(chosen).toEqual({ ok: true, value: { name: 'server.key', keyRef: expect.stringMatching(/^key-[0-9a-f]{32}$/) } });
    expect(JSON.stringify(chosen)).not.toContain('PRIVATE KEY');
    const keyRef = chosen.ok ? (chosen.value as { keyRef: string }).keyRef : '';
    const opened = await manager.open(
      argSchemas.open.parse({ config: { kind: 'tcp-server', host: '127.0.0.1', port: 0, tls: { cert: certs.serverCertPem, keyRef } } }),
    );
    expect(opened.ok && opened.value.state).toBe('open');
    expect(JSON.stringify(opened)).not.toContain('PRIVATE KEY');
  });

  it('refuses a file that is not a key, a certificate for one, and answers null when cancelled', async () => {
    const certs = makeCertificates(await tempDir('si-key-files-'));
    host.answer.open = certs.files.serverCert;
    const refused = await host.call('openKeyFile', { filters: [] });
    expect(refused).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT', message: expect.stringContaining('one PEM block') } });
    delete host.answer.open;
    expect(await host.call('openKeyFile', { filters: [] })).toEqual({ ok: true, value: null });
  });
});

describe('Export certificate and key…', () => {
  it('writes the generated certificate and its key where the user chose, owner-only, and nothing when cancelled', async () => {
    const made = await manager.certificate(argSchemas.certificate.parse({}));
    if (!made.ok) throw new Error(made.error.message);
    const target = path.join(dir, 'exported.pem');
    expect(await host.call('exportKey', { keyRef: made.value.keyRef })).toEqual({ ok: true, value: { saved: false } });
    expect(await readdir(dir)).toEqual([]);
    host.answer.save = target;
    expect(await host.call('exportKey', { keyRef: made.value.keyRef })).toEqual({ ok: true, value: { saved: true, name: 'exported.pem' } });
    expect(host.asked.save[1]).toMatchObject({ defaultPath: 'certificate-and-key.pem' });
    const text = await readFile(target, 'utf8');
    expect(text.startsWith(made.value.cert.trimEnd())).toBe(true);
    expect(text).toMatch(/-----BEGIN PRIVATE KEY-----[\s\S]+-----END PRIVATE KEY-----\n$/);
    expect((await stat(target)).mode & 0o777).toBe(0o600);
    const unknown = await host.call('exportKey', { keyRef: `key-${'0'.repeat(32)}` });
    expect(!unknown.ok && unknown.error.code).toBe('NOT_FOUND');
  });
});

describe('saving through the native dialog', () => {
  it('writes the bytes where the user chose, suggesting only a name', async () => {
    const target = path.join(dir, 'bench.json');
    host.answer.save = target;
    const data = new TextEncoder().encode('{"format":"socket-inspector-workspace"}');
    expect(await call('saveFile', { suggestedName: 'bench.json', filters: json, data })).toEqual({
      ok: true,
      value: { saved: true, name: 'bench.json' },
    });
    expect(await readFile(target, 'utf8')).toBe('{"format":"socket-inspector-workspace"}');
    expect(host.asked.save[0]).toMatchObject({ defaultPath: 'bench.json', filters: json });
  });

  it('replaces an existing file whole and leaves no temporary file behind', async () => {
    const target = path.join(dir, 'old.bin');
    await writeFile(target, Buffer.alloc(4096, 0x41));
    host.answer.save = target;
    await call('saveFile', { suggestedName: 'old.bin', filters: [], data: new Uint8Array([1, 2, 3]) });
    expect([...(await readFile(target))]).toEqual([1, 2, 3]);
    expect(await readdir(dir)).toEqual(['old.bin']);
  });

  it('reports a cancelled dialog as not saved', async () => {
    expect(await call('saveFile', { suggestedName: 'x.json', filters: json, data: new Uint8Array() })).toEqual({
      ok: true,
      value: { saved: false },
    });
  });

  it('reports a folder that vanished with its code and a hint, and writes nothing', async () => {
    host.answer.save = path.join(dir, 'gone', 'x.json');
    const result = await call('saveFile', { suggestedName: 'x.json', filters: json, data: new Uint8Array([1]) });
    expect(result).toMatchObject({ ok: false, error: { code: 'ENOENT', message: expect.stringContaining('Saving x.json failed') } });
    expect(await readdir(dir)).toEqual([]);
  });

  it.each([
    ['a path', { suggestedName: '../../etc/passwd', filters: [], data: new Uint8Array() }, /plain file name/],
    ['a Windows path', { suggestedName: 'C:\\Windows\\x.dll', filters: [], data: new Uint8Array() }, /plain file name/],
    ['text instead of bytes', { suggestedName: 'a.json', filters: [], data: 'hello' }, /must be bytes/],
    [
      'an extension with a dot',
      { suggestedName: 'a.json', filters: [{ name: 'x', extensions: ['.json'] }], data: new Uint8Array() },
      /without a dot/,
    ],
    ['an unknown key', { suggestedName: 'a.json', filters: [], data: new Uint8Array(), path: '/tmp/a' }, /Unrecognized key/],
  ])('refuses %s before any dialog opens', async (_name, arg, message) => {
    const result = await call('saveFile', arg);
    expect(result).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT', message: expect.stringMatching(message) } });
    expect(host.asked.save).toHaveLength(0);
  });

  it('refuses a caller that is not the app window', async () => {
    const result = await call(
      'saveFile',
      { suggestedName: 'a.json', filters: [], data: new Uint8Array() },
      forgedEvent({ url: 'https://evil.example/' }),
    );
    expect(result).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(host.asked.save).toHaveLength(0);
  });
});

describe('opening through the native dialog', () => {
  it("returns the chosen file's name and bytes, not its path", async () => {
    const source = path.join(dir, 'capture.jsonl');
    await writeFile(source, Buffer.from([0, 255, 10]));
    host.answer.open = source;
    const result = (await call('openFile', { filters: json })) as Result<{ name: string; data: Uint8Array }>;
    expect(result.ok && result.value.name).toBe('capture.jsonl');
    expect(result.ok && [...result.value.data]).toEqual([0, 255, 10]);
  });

  it('answers null when cancelled', async () => {
    expect(await call('openFile', { filters: [] })).toEqual({ ok: true, value: null });
  });

  it('refuses a file larger than the limit without reading it', async () => {
    const huge = path.join(dir, 'huge.bin');
    await writeFile(huge, '');
    await truncate(huge, MAX_FILE_BYTES + 1);
    host.answer.open = huge;
    expect(await call('openFile', { filters: [] })).toMatchObject({ ok: false, error: { code: 'PAYLOAD_TOO_LARGE' } });
  });
});
