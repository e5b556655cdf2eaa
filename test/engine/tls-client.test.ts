import { createServer } from 'node:net';
import { beforeAll, describe, it, expect, afterEach } from 'vitest';
import { english } from '@shared/phrase';
import { cleanups, disposeAll, startEngine, textPayload } from '../support/engine';
import { tempDirForAll } from '../support/temp-dir';
import { makeCertificates, ncatSslServer, opensslFingerprint, opensslServer, type Certificates } from '../support/tls-peers';

afterEach(disposeAll);

const folder = tempDirForAll('si-tls-');
let certs: Certificates;
beforeAll(() => {
  certs = makeCertificates(folder());
});

const server = (extra: string[] = []) =>
  opensslServer(['-cert', certs.files.serverCert, '-key', certs.files.serverKey, '-cert_chain', certs.files.ca, ...extra], cleanups);

const tlsClient = (port: number, tls: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  kind: 'tcp-client' as const,
  host: '127.0.0.1',
  port,
  connectTimeoutMs: 10_000,
  tls,
  ...extra,
});

describe('TLS client against openssl s_server', () => {
  it('verifies the server with the CA bundle and shows version, cipher, ALPN and the chain with fingerprints; data is plaintext both ways', async () => {
    const peer = await server(['-alpn', 'h2,mqtt', '-tls1_3']);
    const engine = startEngine();
    const info = await engine.openOk(tlsClient(peer.port, { ca: certs.caPem, servername: 'localhost', alpn: ['mqtt', 'http/1.1'] }));
    const conn = info.connections[0]!;
    expect(conn.tls).toMatchObject({ protocol: 'TLSv1.3', alpn: 'mqtt', servername: 'localhost', authorized: true });
    expect(conn.tls!.cipher).toMatch(/^TLS_/);
    const chain = conn.tls!.peerCertificates;
    expect(chain.map((c) => c.subject)).toEqual(['CN=localhost', 'CN=Socket Inspector Test CA']);
    expect(chain[0]!.issuer).toBe('CN=Socket Inspector Test CA');
    expect(chain[0]!.fingerprint256).toBe(opensslFingerprint(certs.files.serverCert));
    expect(chain[0]!.subjectAltName).toContain('DNS:localhost');
    expect(chain[1]!.selfSigned).toBe(true);
    expect(Date.parse(chain[0]!.validTo)).toBeGreaterThan(Date.now());

    expect((await engine.send(info.id, textPayload('hello over tls\n'))).ok).toBe(true);
    await engine.waitFor(() => peer.output().includes('hello over tls'), 10_000, 's_server printing what we sent');
    peer.child.stdin!.write('answer in plaintext\n');
    await engine.waitFor(() => engine.dataBytes(info.id, conn.connId, 'rx').toString().includes('answer in plaintext'), 10_000);
    // Counters are of the plaintext.
    expect((await engine.info(info.id)).connections[0]!.counters.txBytes).toBe('hello over tls\n'.length);
  });

  it('refuses a server whose CA it does not trust with a clear error and a fix', async () => {
    // With its chain sent (s_server -cert_chain) and without: OpenSSL names the two differently.
    for (const [extra, code] of [
      [['-cert_chain', certs.files.ca], 'SELF_SIGNED_CERT_IN_CHAIN'],
      [[], 'UNABLE_TO_VERIFY_LEAF_SIGNATURE'],
    ] as const) {
      const peer = await opensslServer(['-cert', certs.files.serverCert, '-key', certs.files.serverKey, ...extra], cleanups);
      const engine = startEngine();
      const result = await engine.open(tlsClient(peer.port, { ca: certs.otherCaPem, servername: 'localhost' }));
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.error.code).toBe(code);
      expect(result.error.message).toBe(
        `The TLS handshake with 127.0.0.1:${peer.port} failed: its certificate is signed by a CA this session does not trust (${code}).`,
      );
      expect(result.error.hint).toContain('CA bundle');
      expect(english(result.error.i18n.hint)).toBe(result.error.hint);
    }
  });

  it('with verification off connects anyway and says the certificate was not trusted', async () => {
    const peer = await server();
    const engine = startEngine();
    const info = await engine.openOk(tlsClient(peer.port, { verify: false, ca: certs.otherCaPem }));
    // s_server sends its CA along, which nothing here trusts.
    expect(info.connections[0]!.tls).toMatchObject({ authorized: false, authorizationError: 'SELF_SIGNED_CERT_IN_CHAIN' });
    expect(info.config.kind === 'tcp-client' && info.config.tls?.verify).toBe(false);
  });

  it('talks to ncat --ssl -l with its certificate verified against the CA bundle', async () => {
    const peer = await ncatSslServer(['--ssl-cert', certs.files.serverCert, '--ssl-key', certs.files.serverKey], cleanups);
    const engine = startEngine();
    const info = await engine.openOk(tlsClient(peer.port, { ca: certs.caPem, servername: 'localhost' }));
    const conn = info.connections[0]!;
    expect(conn.tls).toMatchObject({ authorized: true, servername: 'localhost' });
    expect(conn.tls!.peerCertificates[0]!.fingerprint256).toBe(opensslFingerprint(certs.files.serverCert));
    expect((await engine.send(info.id, textPayload('hello ncat\n'))).ok).toBe(true);
    await engine.waitFor(() => peer.output().includes('hello ncat'), 15_000, 'ncat printing what we sent');
    peer.child.stdin!.write('ncat answers\n');
    await engine.waitFor(() => engine.dataBytes(info.id, conn.connId, 'rx').toString() === 'ncat answers\n', 15_000);
  });

  it('checks the name: a certificate for localhost is refused under another SNI name', async () => {
    const peer = await server();
    const engine = startEngine();
    const result = await engine.open(tlsClient(peer.port, { ca: certs.caPem, servername: 'example.com' }));
    expect(!result.ok && result.error.code).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
    expect(!result.ok && result.error.message).toContain('its certificate is not for example.com');
  });

  it('refuses a version range the server does not offer', async () => {
    const peer = await server(['-tls1_2']);
    const engine = startEngine();
    const result = await engine.open(tlsClient(peer.port, { ca: certs.caPem, minVersion: 'TLSv1.3' }));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.message).toContain('the two sides share no TLS version (this session allows TLSv1.3 to TLSv1.3)');
    expect(result.error.hint).toContain('TLS version');
    // And within the range it speaks, TLS 1.2 is what it gets.
    const ok = await engine.openOk(tlsClient(peer.port, { ca: certs.caPem, maxVersion: 'TLSv1.2' }));
    expect(ok.connections[0]!.tls!.protocol).toBe('TLSv1.2');
  });

  it('sends a client certificate to a server that requires one, and fails clearly without it', async () => {
    const peer = await server(['-Verify', '1', '-CAfile', certs.files.ca, '-verify_return_error']);
    const engine = startEngine();
    const info = await engine.openOk(tlsClient(peer.port, { ca: certs.caPem, cert: certs.clientCertPem, key: certs.clientKeyPem }));
    expect(info.connections[0]!.tls!.authorized).toBe(true);
    expect((await engine.send(info.id, textPayload('with cert\n'))).ok).toBe(true);
    await engine.waitFor(() => peer.output().includes('with cert'), 10_000, 's_server printing what we sent');
    // The private key given never comes back: not in the answer, not in list.
    expect(JSON.stringify(info)).not.toContain('PRIVATE KEY');
    expect(JSON.stringify(await engine.info(info.id))).not.toContain('PRIVATE KEY');
    expect(JSON.stringify(engine.events)).not.toContain('PRIVATE KEY');

    const other = await opensslServer(
      ['-cert', certs.files.serverCert, '-key', certs.files.serverKey, '-Verify', '1', '-CAfile', certs.files.ca, '-verify_return_error'],
      cleanups,
    );
    const without = startEngine();
    const client = await without.openOk(tlsClient(other.port, { ca: certs.caPem })).catch((err: Error) => err);
    // TLS 1.3 tells the client after its handshake: the server's alert ends the connection.
    if (client instanceof Error) {
      expect(client.message).toContain('CERTIFICATE_REQUIRED');
    } else {
      const closed = await without.waitFor(() => without.ofType('error', (e) => e.sessionId === client.id)[0], 10_000, 'the alert');
      expect(closed.error.code).toBe('ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED');
    }
  });

  it('tells a server that does not speak TLS', async () => {
    const engine = startEngine();
    const tcp = createServer((socket) => socket.resume().end('HTTP/1.0 400 Bad Request\r\n\r\n'));
    await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => tcp.close(resolve)));
    const port = (tcp.address() as { port: number }).port;
    const result = await engine.open(tlsClient(port, {}));
    expect(!result.ok && result.error.message).toContain('the peer does not speak TLS there');
    expect(!result.ok && result.error.hint).toContain('Turn TLS off');
  });

  it('refuses a key that is not the certificate’s before connecting', async () => {
    const engine = startEngine();
    const result = await engine.open(tlsClient(1, { cert: certs.clientCertPem, key: certs.serverKeyPem }));
    expect(!result.ok && result.error.message).toBe('The TLS settings cannot be used: the private key does not belong to the certificate.');
  });
});
