/**
 * TLS in the relay: the client's TLS ends at the relay (its own certificate), the upstream leg
 * speaks TLS to openssl s_server, the plaintext is seen both ways, and the key log written beside
 * the recording lets tshark decrypt a live loopback capture of the same traffic.
 */
import { execFile, spawn, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { argSchemas } from '@shared/contract';
import { selfSignedCertificate } from '@engine/self-signed';
import { cleanups, disposeAll, openRelay } from '../support/engine';
import { engineWithRecorder } from '../support/recorder';
import { tempDir } from '../support/temp-dir';
import { opensslServer } from '../support/tls-peers';

afterEach(disposeAll);

const run = promisify(execFile);

/** dumpcap on loopback for one port, writing `file`; resolves once it is capturing. Undefined where it may not capture. */
async function capture(port: number, file: string): Promise<{ stop: () => Promise<void> } | undefined> {
  const child = spawn('dumpcap', ['-i', 'lo', '-f', `tcp port ${port}`, '-w', file, '-q'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let said = '';
  child.stderr.on('data', (chunk: Buffer) => (said += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  cleanups.push(() => {
    if (child.exitCode === null) child.kill('SIGINT');
    return exited;
  });
  const deadline = Date.now() + 10_000;
  while (!said.includes('Capturing on')) {
    if (child.exitCode !== null || Date.now() > deadline) return undefined;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  // dumpcap says so a moment before its filter is live, and nothing tells when it is.
  await new Promise((resolve) => setTimeout(resolve, 1000));
  return {
    stop: async () => {
      // Packets reach dumpcap in blocks, up to a second late: stopping at once would lose them.
      await new Promise((resolve) => setTimeout(resolve, 1000));
      child.kill('SIGINT');
      await exited;
    },
  };
}

const canCapture = spawnSync('dumpcap', ['-D'], { encoding: 'utf8' }).stdout?.includes('lo') ?? false;

describe('a TCP relay with TLS on both legs', () => {
  it('shows the plaintext both ways, the TLS of each leg, and writes a key log that tshark decrypts a capture with', async () => {
    const dir = await tempDir();
    const { engine } = engineWithRecorder({ folder: dir });
    // The upstream server is openssl's: it needs the key itself, as a file.
    const { cert, key } = await selfSignedCertificate(argSchemas.certificate.parse({}));
    const keyFile = path.join(dir, 'upstream-key.pem');
    const certFile = path.join(dir, 'upstream-cert.pem');
    await Promise.all([writeFile(keyFile, key), writeFile(certFile, cert)]);
    // -rev: the server answers each line reversed, so the answer proves the upstream read it.
    const upstream = await opensslServer(['-cert', certFile, '-key', keyFile, '-rev', '-alpn', 'x-up'], cleanups);
    const { session, port } = await openRelay(engine, upstream.port, {
      record: true,
      tls: { cert, key, keyLog: true, alpn: ['x-front'] },
      upstreamTls: { verify: false, keyLog: true, alpn: ['x-up'] },
    });

    const cap = canCapture ? await capture(port, path.join(dir, 'live.pcapng')) : undefined;
    const client = tlsConnect({ host: '127.0.0.1', port, rejectUnauthorized: false, ALPNProtocols: ['x-front'], servername: 'localhost' });
    cleanups.push(() => client.destroy());
    let answer = '';
    client.on('data', (chunk: Buffer) => (answer += chunk.toString()));
    await new Promise<void>((resolve, reject) => client.once('secureConnect', resolve).once('error', reject));
    expect(client.alpnProtocol).toBe('x-front');
    client.write('secret hello\n');
    await engine.waitFor(() => answer.includes('olleh terces'), 15_000, 'the reversed line back through the relay');

    const conn = (await engine.waitFor(
      () =>
        engine
          .ofType('session', (e) => e.session.id === session.id)
          .flatMap((e) => e.session.connections)
          .find((c) => c.relay?.upstreamTls),
      15_000,
      'the pair with its upstream TLS',
    ))!;
    expect(conn.tls?.alpn).toBe('x-front');
    expect(conn.relay?.upstreamTls?.alpn).toBe('x-up');
    expect(conn.relay?.upstreamTls?.protocol).toMatch(/^TLSv1\.[23]$/);
    const toServer = engine.ofType('data', (e) => e.sessionId === session.id && e.relay?.flow === 'to-server');
    const toClient = engine.ofType('data', (e) => e.sessionId === session.id && e.relay?.flow === 'to-client');
    expect(Buffer.concat(toServer.map((e) => e.bytes)).toString()).toContain('secret hello');
    expect(Buffer.concat(toClient.map((e) => e.bytes)).toString()).toContain('olleh terces');

    const recording = (await engine.waitFor(
      () => engine.ofType('recording', (e) => e.sessionId === session.id && e.recording.keyLogPath !== undefined)[0],
      15_000,
      'the key log',
    ))!.recording;
    const keyLogPath = recording.keyLogPath!;
    expect(path.dirname(keyLogPath)).toBe(path.dirname(recording.path));
    // Both handshakes are in it: the client's with the relay and the relay's with the upstream. The
    // path is announced with the first line written; the later lines are appended after it.
    const secretsIn = (text: string) =>
      text.split('\n').filter((line) => line.startsWith('CLIENT_TRAFFIC_SECRET_0 ') || line.startsWith('CLIENT_RANDOM '));
    const keyLog = await engine.waitFor(
      async () => {
        const text = await readFile(keyLogPath, 'utf8');
        return secretsIn(text).length >= 2 ? text : undefined;
      },
      15_000,
      'the secrets of both handshakes in the key log',
    );
    expect(keyLog).not.toContain('PRIVATE KEY');
    const recorded = await readFile(recording.path, 'utf8');
    expect(recorded).not.toContain(keyLog.split('\n')[0]!.split(' ')[2]!);

    if (!cap) return;
    client.end();
    await engine.waitFor(() => engine.ofType('connection-closed', (e) => e.sessionId === session.id)[0], 15_000, 'the pair to close');
    await cap.stop();
    const follow = spawnSync(
      'tshark',
      [
        '-r',
        path.join(dir, 'live.pcapng'),
        '-d',
        `tcp.port==${port},tls`,
        '-o',
        `tls.keylog_file:${keyLogPath}`,
        '-q',
        '-z',
        'follow,tls,ascii,0',
      ],
      { encoding: 'utf8' },
    );
    expect(follow.stdout).toContain('secret hello');
    expect(follow.stdout).toContain('olleh terces');
    const withoutKeys = spawnSync(
      'tshark',
      ['-r', path.join(dir, 'live.pcapng'), '-d', `tcp.port==${port},tls`, '-q', '-z', 'follow,tls,ascii,0'],
      { encoding: 'utf8' },
    );
    expect(withoutKeys.stdout).not.toContain('secret hello');
  }, 60_000);

  it('carries curl -k over the TLS it ends to a plain python3 http.server, and shows the request and page in the clear', async () => {
    const folder = await tempDir();
    await writeFile(path.join(folder, 'page.txt'), 'served through the TLS relay\n');
    const { engine } = engineWithRecorder({ folder: await tempDir() });
    const http = spawn('python3', ['-u', '-m', 'http.server', '0', '--bind', '127.0.0.1', '--directory', folder], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    cleanups.push(() => {
      http.kill('SIGKILL');
    });
    let said = '';
    http.stdout.on('data', (chunk: Buffer) => (said += chunk.toString()));
    const httpPort = Number(await engine.waitFor(() => /port (\d+)/.exec(said)?.[1], 10_000, 'http.server to listen'));
    const made = await engine.manager.certificate(argSchemas.certificate.parse({}));
    if (!made.ok) throw new Error(made.error.message);
    const { session, port } = await openRelay(engine, httpPort, {
      record: false,
      tls: { cert: made.value.cert, keyRef: made.value.keyRef },
    });

    // Run while the engine's event loop goes on: the relay is in this process.
    const { stdout } = await run('curl', ['-sk', '--max-time', '10', `https://127.0.0.1:${port}/page.txt`]);
    expect(stdout).toBe('served through the TLS relay\n');
    // Without -k curl refuses the generated certificate (60: peer certificate cannot be authenticated).
    const strict = await run('curl', ['-s', '--max-time', '10', `https://127.0.0.1:${port}/page.txt`]).then(
      () => 0,
      (error: { code?: number }) => error.code,
    );
    expect(strict).toBe(60);

    const data = await engine.waitFor(() => {
      const seen = engine.ofType('data', (e) => e.sessionId === session.id);
      return seen.some((e) => e.relay?.flow === 'to-client') ? seen : undefined;
    });
    expect(Buffer.concat(data.filter((e) => e.relay?.flow === 'to-server').map((e) => e.bytes)).toString()).toMatch(
      /^GET \/page\.txt HTTP\/1\.1\r\n/,
    );
    await engine.waitFor(() =>
      Buffer.concat(engine.ofType('data', (e) => e.sessionId === session.id && e.relay?.flow === 'to-client').map((e) => e.bytes))
        .toString()
        .endsWith('served through the TLS relay\n'),
    );
  }, 30_000);

  it('refuses TLS on a UDP relay, and says the key log needs a recording', async () => {
    const { engine } = engineWithRecorder({ folder: await tempDir() });
    const refused = argSchemas.open.safeParse({
      config: { kind: 'relay', transport: 'udp', host: '127.0.0.1', port: 0, upstream: { host: '127.0.0.1', port: 9 }, upstreamTls: {} },
    });
    expect(refused.success).toBe(false);
    expect(JSON.stringify(refused.error?.issues)).toContain('relay.tlsOverUdp');

    const made = await engine.manager.certificate(argSchemas.certificate.parse({}));
    if (!made.ok) throw new Error(made.error.message);
    const { session, port } = await openRelay(engine, 9, {
      record: false,
      tls: { cert: made.value.cert, keyRef: made.value.keyRef, keyLog: true },
    });
    const client = tlsConnect({ host: '127.0.0.1', port, rejectUnauthorized: false });
    cleanups.push(() => client.destroy());
    client.on('error', () => undefined);
    const told = await engine.waitFor(
      () => engine.ofType('error', (e) => e.sessionId === session.id && e.error.message.includes('key log'))[0],
      15_000,
      'the key log notice',
    );
    expect(told!.error.message).toContain('not recorded');
    expect(told!.error.hint).toContain('Turn recording on');
  }, 30_000);
});
