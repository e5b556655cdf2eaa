import { createSecureContext, type ConnectionOptions, type SecureContext, type TlsOptions } from 'node:tls';
import { isIP } from 'node:net';
import type { SessionConfig, TlsClientOptions, TlsServerOptions } from '@shared/contract';
import { AppCode } from '@shared/errors';
import { phrase } from '@shared/phrase';
import { fail, ok, type Result } from '@shared/result';
import { TLS_HANDSHAKE_TIMEOUT_MS } from '@shared/limits';
import type { KeyStore } from './key-store';

/**
 * The secure context of a session's own certificate, key and CA, made once at open: bad PEM
 * or a key that is not the certificate's is refused there with words, not at the first client.
 */
function secureContext(tls: TlsClientOptions | TlsServerOptions): Result<SecureContext> {
  try {
    return ok(
      createSecureContext({
        ...(tls.cert !== undefined ? { cert: tls.cert } : {}),
        ...(tls.key !== undefined ? { key: tls.key } : {}),
        ...(tls.ca !== undefined ? { ca: tls.ca } : {}),
        ...(tls.minVersion !== undefined ? { minVersion: tls.minVersion } : {}),
        ...(tls.maxVersion !== undefined ? { maxVersion: tls.maxVersion } : {}),
      }),
    );
  } catch (err) {
    const code = err && typeof err === 'object' && 'code' in err && typeof err.code === 'string' ? err.code : AppCode.InvalidArgument;
    const why =
      code === 'ERR_OSSL_X509_KEY_VALUES_MISMATCH'
        ? phrase('tls.keyMismatch')
        : phrase('verbatim', { text: err instanceof Error ? err.message : String(err) });
    return fail(AppCode.InvalidArgument, phrase('tls.badMaterial', { why }), phrase('hint.tls.material'));
  }
}

/** The name a client sends as SNI and checks the certificate against: the one set, else the host when it is a name (SNI carries no addresses). */
export function clientServername(host: string, tls: TlsClientOptions): string | undefined {
  if (tls.servername !== undefined) return tls.servername;
  return isIP(host) === 0 ? host : undefined;
}

/** tls.connect's options for a client session, over the TCP socket already connected. */
export function clientOptions(host: string, tls: TlsClientOptions): Result<Omit<ConnectionOptions, 'socket'>> {
  const context = secureContext(tls);
  if (!context.ok) return context;
  const servername = clientServername(host, tls);
  return ok({
    secureContext: context.value,
    rejectUnauthorized: tls.verify,
    ...(servername !== undefined ? { servername } : {}),
    ...(tls.alpn !== undefined && tls.alpn.length > 0 ? { ALPNProtocols: tls.alpn } : {}),
  });
}

/**
 * A TLS listener's server options. Client certificates are checked by the listener itself
 * (rejectUnauthorized off here) so a refused client is told about with its reason.
 */
export function serverOptions(tls: TlsServerOptions): Result<TlsOptions> {
  if (tls.cert === undefined || tls.key === undefined) {
    return fail(AppCode.InvalidArgument, phrase('tls.serverNeedsCertificate'), phrase('hint.tls.material'));
  }
  // tls.Server makes its own context from these; the one made here only checks them.
  const context = secureContext(tls);
  if (!context.ok) return context;
  return ok({
    cert: tls.cert,
    key: tls.key,
    ...(tls.ca !== undefined ? { ca: tls.ca } : {}),
    ...(tls.minVersion !== undefined ? { minVersion: tls.minVersion } : {}),
    ...(tls.maxVersion !== undefined ? { maxVersion: tls.maxVersion } : {}),
    requestCert: tls.requestCert,
    rejectUnauthorized: false,
    handshakeTimeout: TLS_HANDSHAKE_TIMEOUT_MS,
    allowHalfOpen: true,
    ...(tls.alpn !== undefined && tls.alpn.length > 0 ? { ALPNProtocols: tls.alpn } : {}),
  });
}

/**
 * The config as it leaves the engine (events, `list`, recordings): the TLS private key is held
 * here and nowhere else (docs/security.md § TLS).
 */
export function withoutKey(config: SessionConfig): SessionConfig {
  const upstreamKey = config.kind === 'relay' && config.upstreamTls?.key !== undefined;
  if (!upstreamKey && (!('tls' in config) || config.tls?.key === undefined)) return config;
  const shown = { ...config } as SessionConfig & { tls?: { key?: string }; upstreamTls?: { key?: string } };
  if (shown.tls?.key !== undefined) shown.tls = withoutOwnKey(shown.tls);
  if (shown.upstreamTls?.key !== undefined) shown.upstreamTls = withoutOwnKey(shown.upstreamTls);
  return shown;
}

function withoutOwnKey<T extends { key?: string }>(tls: T): Omit<T, 'key'> {
  const { key: _key, ...rest } = tls;
  return rest;
}

/** Whether any TLS side of the config (a listener's or client's one, a relay's two) names a key in main's key store. */
export function namesKeys(config: SessionConfig): boolean {
  const sides = config.kind === 'udp' ? [] : config.kind === 'relay' ? [config.tls, config.upstreamTls] : [config.tls];
  return sides.some((tls) => tls?.keyRef !== undefined);
}

/**
 * The config with each side's `keyRef` resolved from main's key store into the `key` the engine
 * gives OpenSSL; the reference stays, so the config shown back (without `key`) still names it.
 */
export async function withResolvedKeys(config: SessionConfig, keys: KeyStore): Promise<Result<SessionConfig>> {
  const resolve = async <T extends { key?: string; keyRef?: string }>(tls: T | undefined): Promise<Result<T | undefined>> => {
    if (tls?.keyRef === undefined) return ok(tls);
    const held = await keys.get(tls.keyRef);
    return held.ok ? ok({ ...tls, key: held.value.key }) : held;
  };
  // One kind at a time: the kinds' tls objects differ.
  switch (config.kind) {
    case 'udp':
      return ok(config);
    case 'tcp-client': {
      const tls = await resolve(config.tls);
      return tls.ok ? ok(tls.value ? { ...config, tls: tls.value } : config) : tls;
    }
    case 'tcp-server': {
      const tls = await resolve(config.tls);
      return tls.ok ? ok(tls.value ? { ...config, tls: tls.value } : config) : tls;
    }
    case 'relay': {
      const tls = await resolve(config.tls);
      if (!tls.ok) return tls;
      const upstreamTls = await resolve(config.upstreamTls);
      if (!upstreamTls.ok) return upstreamTls;
      return ok({ ...config, ...(tls.value ? { tls: tls.value } : {}), ...(upstreamTls.value ? { upstreamTls: upstreamTls.value } : {}) });
    }
  }
}
