import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, it, expect, afterEach } from 'vitest';
import { argSchemas, type GeneratedCertificate } from '@shared/contract';
import { selfSignedCertificate } from '@engine/self-signed';
import { cleanups, disposeAll, startEngine, textPayload, type Engine } from '../support/engine';
import { tempDirForAll } from '../support/temp-dir';
import { makeCertificates, opensslClient, runTool, type Certificates } from '../support/tls-peers';

afterEach(disposeAll);

const folder = tempDirForAll('si-tls-server-');
let certs: Certificates;
/** A generated certificate with its key in hand, as a script gives one inline over stdio. */
let generated: { cert: string; key: string };
let generatedFile: string;
beforeAll(async () => {
  certs = makeCertificates(folder());
  generated = await selfSignedCertificate(argSchemas.certificate.parse({}));
  generatedFile = path.join(folder(), 'generated.pem');
  writeFileSync(generatedFile, generated.cert);
});

const tlsServer = (tls: Record<string, unknown>) => ({
  kind: 'tcp-server' as const,
  host: '127.0.0.1',
  port: 0,
  tls: { cert: generated.cert, key: generated.key, ...tls },
});

async function firstConnection(engine: Engine, sessionId: string) {
  return (await engine.waitFor(() => engine.ofType('connection-opened', (e) => e.sessionId === sessionId)[0], 15_000, 'a TLS client')).conn;
}

describe('the certificate method', () => {
  it('makes a self-signed ECDSA certificate for localhost and the loopback addresses, and keeps its key in main', async () => {
    const engine = startEngine();
    const made = await engine.manager.certificate(argSchemas.certificate.parse({}));
    if (!made.ok) throw new Error(made.error.message);
    const answer: GeneratedCertificate = made.value;
    expect(answer.cert).toMatch(/^-----BEGIN CERTIFICATE-----/);
    expect(answer.keyRef).toMatch(/^key-[0-9a-f]{32}$/);
    expect(JSON.stringify(answer)).not.toContain('PRIVATE KEY');
    expect(Object.keys(answer).sort()).toEqual(['cert', 'keyRef', 'summary']);
    expect(answer.summary).toMatchObject({ subject: 'CN=localhost', issuer: 'CN=localhost', selfSigned: true });
    expect(answer.summary.subjectAltName).toBe('DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1');
    const days = (Date.parse(answer.summary.validTo) - Date.parse(answer.summary.validFrom)) / 86_400_000;
    expect(Math.round(days)).toBe(365);
    const file = path.join(folder(), 'answered.pem');
    writeFileSync(file, answer.cert);
    const text = runTool('openssl', ['x509', '-in', file, '-noout', '-text'], cleanups);
    await text.exited;
    expect(text.output()).toContain('ASN1 OID: prime256v1');
  });

  it('a listener opened with the key reference serves the generated certificate to openssl s_client, and reopens with it', async () => {
    const engine = startEngine();
    const made = await engine.manager.certificate(argSchemas.certificate.parse({}));
    if (!made.ok) throw new Error(made.error.message);
    const { cert, keyRef } = made.value;
    const caFile = path.join(folder(), 'by-ref.pem');
    writeFileSync(caFile, cert);
    const info = await engine.openOk({ kind: 'tcp-server', host: '127.0.0.1', port: 0, tls: { cert, keyRef } });
    expect(info.config.kind === 'tcp-server' && info.config.tls).toMatchObject({ cert, keyRef });
    const talk = async (port: number, line: string) => {
      const client = opensslClient(port, ['-CAfile', caFile, '-verify_return_error', '-servername', 'localhost'], cleanups);
      const conn = await firstConnection(engine, info.id);
      expect(conn.tls).toMatchObject({ protocol: 'TLSv1.3' });
      client.child.stdin!.write(line);
      await engine.waitFor(() => engine.dataBytes(info.id, conn.connId, 'rx').toString().includes(line), 15_000, 'the line in plaintext');
      client.child.kill();
    };
    await talk(info.local!.port, 'by reference\n');
    await engine.manager.close({ sessionId: info.id });
    engine.events.length = 0;
    const again = await engine.manager.reopen({ sessionId: info.id });
    if (!again.ok) throw new Error(again.error.message);
    await talk(again.value.local!.port, 'reopened\n');
    expect(JSON.stringify(engine.events)).not.toContain('PRIVATE KEY');
    expect(JSON.stringify(await engine.manager.list({}))).not.toContain('PRIVATE KEY');
  });

  it('refuses a reference it does not hold, and a key given both inline and by reference', async () => {
    const engine = startEngine();
    const unknown = await engine.open({
      kind: 'tcp-server',
      host: '127.0.0.1',
      port: 0,
      tls: { cert: generated.cert, keyRef: `key-${'0'.repeat(32)}` },
    });
    expect(!unknown.ok && unknown.error).toMatchObject({ code: 'NOT_FOUND' });
    expect(!unknown.ok && unknown.error.message).toContain('is not held here');
    expect(await engine.manager.list({})).toEqual({ ok: true, value: [] });
    const made = await engine.manager.certificate(argSchemas.certificate.parse({}));
    if (!made.ok) throw new Error(made.error.message);
    const both = argSchemas.open.safeParse({
      config: {
        kind: 'tcp-server',
        host: '127.0.0.1',
        port: 0,
        tls: { cert: generated.cert, key: generated.key, keyRef: made.value.keyRef },
      },
    });
    expect(both.success).toBe(false);
    await engine.manager.keys({ action: 'forget', keyRef: made.value.keyRef });
    const forgotten = await engine.open({
      kind: 'tcp-server',
      host: '127.0.0.1',
      port: 0,
      tls: { cert: made.value.cert, keyRef: made.value.keyRef },
    });
    expect(!forgotten.ok && forgotten.error.code).toBe('NOT_FOUND');
  });
});

describe('TLS listener with real clients', () => {
  it('openssl s_client verifies the generated certificate, agrees ALPN, and data flows in plaintext both ways', async () => {
    const engine = startEngine();
    const info = await engine.openOk(tlsServer({ alpn: ['x-test', 'http/1.1'] }));
    const port = info.local!.port;
    const client = opensslClient(
      port,
      ['-CAfile', generatedFile, '-verify_return_error', '-servername', 'localhost', '-alpn', 'x-test'],
      cleanups,
    );
    const conn = await firstConnection(engine, info.id);
    expect(conn.tls).toMatchObject({ protocol: 'TLSv1.3', alpn: 'x-test', servername: 'localhost', peerCertificates: [] });
    client.child.stdin!.write('hello from s_client\n');
    await engine.waitFor(() => engine.dataBytes(info.id, conn.connId, 'rx').toString() === 'hello from s_client\n', 15_000);
    expect((await engine.send(info.id, textPayload('hello from the listener\n'))).ok).toBe(true);
    await engine.waitFor(() => client.output().includes('hello from the listener'), 15_000, 's_client printing our data');
    expect(client.output()).toContain('Verify return code: 0 (ok)');
    expect(client.output()).toContain('ALPN protocol: x-test');
  });

  it('ncat --ssl talks to it', async () => {
    const engine = startEngine();
    const info = await engine.openOk(tlsServer({}));
    const ncat = runTool('ncat', ['--ssl', '127.0.0.1', String(info.local!.port)], cleanups);
    const conn = await firstConnection(engine, info.id);
    ncat.child.stdin!.write('ncat says hi\n');
    await engine.waitFor(() => engine.dataBytes(info.id, conn.connId, 'rx').toString() === 'ncat says hi\n', 15_000);
    await engine.send(info.id, textPayload('back to ncat\n'));
    await engine.waitFor(() => ncat.output().includes('back to ncat'), 15_000, 'ncat printing our data');
  });

  it('curl -k gets an HTTP answer over it', async () => {
    const engine = startEngine();
    const info = await engine.openOk(tlsServer({ alpn: ['http/1.1'] }));
    const curl = runTool('curl', ['-k', '-s', '--http1.1', `https://127.0.0.1:${info.local!.port}/probe`], cleanups);
    const conn = await firstConnection(engine, info.id);
    expect(conn.tls!.alpn).toBe('http/1.1');
    await engine.waitFor(() => engine.dataBytes(info.id, conn.connId, 'rx').toString().includes('\r\n\r\n'), 15_000, 'the request');
    expect(engine.dataBytes(info.id, conn.connId, 'rx').toString()).toMatch(/^GET \/probe HTTP\/1\.1\r\n/);
    await engine.send(info.id, textPayload('HTTP/1.1 200 OK\r\nContent-Length: 8\r\nConnection: close\r\n\r\nover tls'));
    await engine.manager.disconnect({ sessionId: info.id, connId: conn.connId, mode: 'graceful' });
    expect(await curl.exited).toBe(0);
    expect(curl.output()).toBe('over tls');
  });

  it('refuses a client outside its version range, with a clear error on the session', async () => {
    const engine = startEngine();
    const info = await engine.openOk(tlsServer({ maxVersion: 'TLSv1.2' }));
    const client = opensslClient(info.local!.port, ['-tls1_3'], cleanups);
    const error = await engine.waitFor(() => engine.ofType('error', (e) => e.sessionId === info.id)[0], 15_000, 'the refusal');
    expect(error.error.message).toMatch(
      /^The TLS handshake of a client from 127\.0\.0\.1:\d+ failed: the two sides share no TLS version \(this session allows TLSv1\.2 to TLSv1\.2\)/,
    );
    expect(error.error.hint).toContain('TLS version');
    expect(await client.exited).not.toBe(0);
    expect((await engine.info(info.id)).connections).toEqual([]);
  });

  it('asks for client certificates: one signed by its CA gets in and is shown, one without a certificate is refused', async () => {
    const engine = startEngine();
    const info = await engine.openOk(tlsServer({ requestCert: true, ca: certs.caPem }));
    const port = info.local!.port;
    opensslClient(port, ['-cert', certs.files.clientCert, '-key', certs.files.clientKey], cleanups);
    const conn = await firstConnection(engine, info.id);
    expect(conn.tls!.authorized).toBe(true);
    expect(conn.tls!.peerCertificates[0]).toMatchObject({ subject: 'CN=test client', issuer: 'CN=Socket Inspector Test CA' });

    opensslClient(port, [], cleanups);
    const error = await engine.waitFor(() => engine.ofType('error', (e) => e.sessionId === info.id)[0], 15_000, 'the refusal');
    expect(error.error.code).toBe('CLIENT_CERT_MISSING');
    expect(error.error.message).toContain('the client sent no certificate, and this session requires one');
    expect((await engine.info(info.id)).connections.map((c) => c.connId)).toEqual([conn.connId]);
  });

  it('a listener without a certificate is refused at open, and its key never leaves the engine', async () => {
    const engine = startEngine();
    const refused = await engine.open({ kind: 'tcp-server', host: '127.0.0.1', port: 0, tls: {} });
    expect(!refused.ok && refused.error.message).toBe('A TLS listener needs a certificate and its private key.');
    const info = await engine.openOk(tlsServer({}));
    expect(info.config.kind === 'tcp-server' && info.config.tls).toMatchObject({ cert: generated.cert });
    expect(JSON.stringify(info)).not.toContain('PRIVATE KEY');
    expect(JSON.stringify(await engine.manager.list({}))).not.toContain('PRIVATE KEY');
    expect(JSON.stringify(engine.events)).not.toContain('PRIVATE KEY');
  });

  it('resets a TLS connection on request', async () => {
    const engine = startEngine();
    const info = await engine.openOk(tlsServer({}));
    runTool('ncat', ['--ssl', '127.0.0.1', String(info.local!.port)], cleanups);
    const conn = await firstConnection(engine, info.id);
    await expect(engine.manager.disconnect({ sessionId: info.id, connId: conn.connId, mode: 'reset' })).resolves.toEqual({
      ok: true,
      value: null,
    });
    const closed = await engine.waitFor(() => engine.ofType('connection-closed', (e) => e.connId === conn.connId)[0], 15_000, 'the close');
    expect(closed.reason).toBe('local-reset');
  });
});
