import path from 'node:path';
import { readFile, stat } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { hostAllowed, isLoopbackHost, originAllowed } from '@server/access';
import { configDir } from '@server/config-dir';
import { savedToken } from '@server/saved-token';
import { DEFAULT_SERVE_PORT, parseServeOptions } from '@server/serve-options';
import { tempDir } from '../support/temp-dir';

describe('serve options', () => {
  it('defaults to loopback on the default port', () => {
    expect(parseServeOptions([])).toEqual({
      ok: true,
      options: { host: '127.0.0.1', port: DEFAULT_SERVE_PORT, open: false, token: undefined, recordDir: undefined, record: undefined },
    });
  });

  it('reads --host, --port, --open and --token', () => {
    expect(parseServeOptions(['--host', '::1', '--port', '0', '--open', '--token', 'abcdefghijklmnop'])).toEqual({
      ok: true,
      options: { host: '::1', port: 0, open: true, token: 'abcdefghijklmnop', recordDir: undefined, record: undefined },
    });
  });

  it('reads where to record and whether sessions record by default', () => {
    expect(parseServeOptions(['--record-dir', 'captures', '--no-record'])).toMatchObject({
      ok: true,
      options: { recordDir: 'captures', record: false },
    });
    expect(parseServeOptions(['--record'])).toMatchObject({ ok: true, options: { recordDir: undefined, record: true } });
  });

  it.each([
    [['--port', '70000'], /--port: "70000" is not a port/],
    [['--port', 'abc'], /--port: "abc" is not a port/],
    [['--host', ''], /--host: Host is empty/],
    [['--host', '1.2.3.256'], /--host: "1.2.3.256" is not a valid IPv4 address/],
    [['--token', 'short'], /--token: use 16–128/],
    [['--bogus'], /Unknown option '--bogus'/],
    [['--record', '--no-record'], /contradict each other/],
    [['--record-dir', ''], /--record-dir: name a folder/],
    [['--record-dir'], /--record-dir/],
  ])('refuses %j with a message naming the option', (argv, message) => {
    const parsed = parseServeOptions(argv);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.message).toMatch(message);
  });
});

describe('access rules', () => {
  it('knows loopback hosts', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', '::1', 'localhost']) expect(isLoopbackHost(host), host).toBe(true);
    for (const host of ['0.0.0.0', '::', '192.0.2.1', 'example.com']) expect(isLoopbackHost(host), host).toBe(false);
  });

  it('accepts only the loopback names on a loopback bind, any on a wildcard bind', () => {
    expect(hostAllowed('127.0.0.1:8080', '127.0.0.1', 8080)).toBe(true);
    expect(hostAllowed('[::1]:8080', '::1', 8080)).toBe(true);
    expect(hostAllowed('127.0.0.1:8081', '127.0.0.1', 8080)).toBe(false);
    expect(hostAllowed('attacker.example:8080', '127.0.0.1', 8080)).toBe(false);
    expect(hostAllowed(undefined, '127.0.0.1', 8080)).toBe(false);
    expect(hostAllowed('anything:8080', '0.0.0.0', 8080)).toBe(true);
  });

  it('accepts no Origin (non-browser clients carry the token) or the same origin only', () => {
    expect(originAllowed(undefined, '127.0.0.1:1')).toBe(true);
    expect(originAllowed('http://127.0.0.1:1', '127.0.0.1:1')).toBe(true);
    expect(originAllowed('http://evil.example', '127.0.0.1:1')).toBe(false);
    expect(originAllowed('null', '127.0.0.1:1')).toBe(false);
  });
});

describe('the saved token', () => {
  it('is made once, kept private, and reused on the next start', async () => {
    const dir = path.join(await tempDir('si-token-'), 'nested');
    const first = await savedToken(dir);
    expect(first).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(await savedToken(dir)).toBe(first);
    expect((await readFile(path.join(dir, 'browser-token'), 'utf8')).trim()).toBe(first);
    if (process.platform !== 'win32') expect((await stat(path.join(dir, 'browser-token'))).mode & 0o777).toBe(0o600);
  });

  it('lives where each OS keeps app settings', () => {
    expect(configDir({ XDG_CONFIG_HOME: '/x' }, 'linux')).toBe(path.join('/x', 'socket-inspector'));
    expect(configDir({ APPDATA: 'C:\\Users\\me\\AppData\\Roaming' }, 'win32')).toBe(
      path.join('C:\\Users\\me\\AppData\\Roaming', 'Socket Inspector'),
    );
    expect(configDir({ SOCKET_INSPECTOR_HOME: '/custom' }, 'linux')).toBe('/custom');
  });
});
