/**
 * A relay's two TLS sides in the new-session form: the listening side as a server's settings,
 * the upstream leg as a client's, each problem on its own side's field, none over UDP, and the
 * keys named on both sides by their references in main's key store, never as PEM.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sayer } from '@renderer/i18n/languages';
import { checkForm, EMPTY_FORM, formFromConfig, type SessionForm } from '@renderer/sessions/session-form';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { makeCertificates, type Certificates } from '../support/tls-peers';

const say = sayer('en');
const OWN_REF = `key-${'1'.repeat(32)}`;
const UP_REF = `key-${'2'.repeat(32)}`;
let certs: Certificates;
beforeAll(() => {
  certs = makeCertificates(mkdtempSync(path.join(tmpdir(), 'si-relay-tls-form-')));
});
afterAll(() => rmSync(certs.dir, { recursive: true, force: true }));

const relayForm = (patch: Partial<SessionForm>): SessionForm => ({
  ...EMPTY_FORM,
  kind: 'relay',
  host: '127.0.0.1',
  port: '0',
  upstreamHost: '127.0.0.1',
  upstreamPort: '8443',
  ...patch,
});

describe('relay TLS in the form', () => {
  it('makes the listening side a server and the upstream leg a client, and reads back the same', () => {
    const form = relayForm({
      tls: true,
      tlsAlpn: 'x-front',
      tlsCert: certs.serverCertPem,
      tlsKeyRef: OWN_REF,
      tlsKeyLog: true,
      tlsUp: true,
      tlsUpServername: 'localhost',
      tlsUpAlpn: 'h2, http/1.1',
      tlsUpMinVersion: 'TLSv1.3',
      tlsUpVerify: false,
      tlsUpCa: certs.caPem,
      tlsUpCert: certs.clientCertPem,
      tlsUpKeyRef: UP_REF,
    });
    const checked = checkForm(form, say);
    if (!checked.ok) throw new Error(JSON.stringify(checked.problems));
    const config = checked.config;
    if (config.kind !== 'relay') throw new Error('not a relay');
    expect(config.tls).toEqual({
      alpn: ['x-front'],
      verify: true,
      cert: certs.serverCertPem,
      keyRef: OWN_REF,
      keyLog: true,
      requestCert: false,
    });
    expect(config.upstreamTls).toEqual({
      alpn: ['h2', 'http/1.1'],
      minVersion: 'TLSv1.3',
      verify: false,
      ca: certs.caPem,
      cert: certs.clientCertPem,
      keyRef: UP_REF,
      keyLog: false,
      servername: 'localhost',
    });
    expect(JSON.stringify(config)).not.toContain('PRIVATE KEY');
    const again = checkForm(formFromConfig(config), say);
    expect(again.ok && again.config).toEqual(config);
  });

  it('puts each problem on its own side, and leaves TLS out of a relay over UDP', () => {
    const bad = checkForm(
      relayForm({ tls: true, tlsAlpn: 'bad name', tlsUp: true, tlsUpAlpn: 'ok, bäd', tlsUpCert: certs.clientCertPem }),
      say,
    );
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    expect(bad.problems.tlsAlpn).toBeUndefined();
    expect(bad.problems.tlsUpAlpn).toMatch(/ALPN/);
    expect(bad.problems.tlsUpKeyRef).toMatch(/^A client certificate needs its private key/);
    expect(bad.problems.host).toBeUndefined();

    const udp = checkForm(relayForm({ relayTransport: 'udp', tls: true, tlsCert: certs.serverCertPem, tlsUp: true }), say);
    expect(udp.ok && udp.config).toMatchObject({ transport: 'udp' });
    expect(udp.ok && 'tls' in udp.config ? udp.config.tls : undefined).toBeUndefined();
    expect(udp.ok && udp.config.kind === 'relay' ? udp.config.upstreamTls : undefined).toBeUndefined();
  });
});
