import { TLS_VERSIONS, type TlsVersion } from '@shared/contract';
import { phrase, type Phrase, type PhraseKey } from '@shared/phrase';
import { appError, type AppError } from '@shared/result';
import { TLS_HANDSHAKE_TIMEOUT_MS } from '@shared/limits';

type Why = Extract<PhraseKey, `tls.why.${string}`>;
type Hint = Extract<PhraseKey, `hint.tls.${string}`>;

/** Node's and OpenSSL's codes for a failed handshake, by what they mean to the user and what to do. */
const MEANINGS: Readonly<Record<string, readonly [Why, Hint]>> = {
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: ['tls.why.unknownCa', 'hint.tls.unknownCa'],
  UNABLE_TO_GET_ISSUER_CERT: ['tls.why.unknownCa', 'hint.tls.unknownCa'],
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: ['tls.why.unknownCa', 'hint.tls.unknownCa'],
  SELF_SIGNED_CERT_IN_CHAIN: ['tls.why.unknownCa', 'hint.tls.unknownCa'],
  DEPTH_ZERO_SELF_SIGNED_CERT: ['tls.why.selfSigned', 'hint.tls.unknownCa'],
  CERT_HAS_EXPIRED: ['tls.why.expired', 'hint.tls.expired'],
  CERT_NOT_YET_VALID: ['tls.why.notYetValid', 'hint.tls.expired'],
  ERR_TLS_CERT_ALTNAME_INVALID: ['tls.why.hostname', 'hint.tls.hostname'],
  ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION: ['tls.why.version', 'hint.tls.version'],
  ERR_SSL_UNSUPPORTED_PROTOCOL: ['tls.why.version', 'hint.tls.version'],
  ERR_SSL_NO_PROTOCOLS_AVAILABLE: ['tls.why.version', 'hint.tls.version'],
  ERR_SSL_WRONG_SSL_VERSION: ['tls.why.version', 'hint.tls.version'],
  ERR_SSL_VERSION_TOO_LOW: ['tls.why.version', 'hint.tls.version'],
  ERR_SSL_WRONG_VERSION_NUMBER: ['tls.why.notTls', 'hint.tls.notTls'],
  ERR_SSL_PACKET_LENGTH_TOO_LONG: ['tls.why.notTls', 'hint.tls.notTls'],
  ERR_SSL_HTTP_REQUEST: ['tls.why.notTls', 'hint.tls.notTls'],
  ECONNRESET: ['tls.why.closed', 'hint.tls.closed'],
  EPIPE: ['tls.why.closed', 'hint.tls.closed'],
  ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED: ['tls.why.certRequired', 'hint.tls.certRequired'],
  ERR_SSL_TLSV1_ALERT_UNKNOWN_CA: ['tls.why.peerRejected', 'hint.tls.peerRejected'],
  ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE: ['tls.why.peerRejected', 'hint.tls.peerRejected'],
  ERR_SSL_SSLV3_ALERT_CERTIFICATE_UNKNOWN: ['tls.why.peerRejected', 'hint.tls.peerRejected'],
  ERR_SSL_SSLV3_ALERT_CERTIFICATE_EXPIRED: ['tls.why.peerRejected', 'hint.tls.peerRejected'],
  ERR_SSL_TLSV1_ALERT_DECRYPT_ERROR: ['tls.why.peerRejected', 'hint.tls.peerRejected'],
  ERR_SSL_NO_SHARED_CIPHER: ['tls.why.noCipher', 'hint.tls.noCipher'],
  ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE: ['tls.why.noCipher', 'hint.tls.noCipher'],
  ERR_SSL_TLSV1_ALERT_NO_APPLICATION_PROTOCOL: ['tls.why.alpn', 'hint.tls.alpn'],
  ERR_SSL_NO_APPLICATION_PROTOCOL: ['tls.why.alpn', 'hint.tls.alpn'],
  ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE: ['tls.why.noClientCert', 'hint.tls.clientCert'],
  ERR_TLS_HANDSHAKE_TIMEOUT: ['tls.why.timeout', 'hint.tls.timeout'],
};

function codeOf(err: unknown): string {
  if (err && typeof err === 'object' && 'code' in err && typeof err.code === 'string') return err.code;
  return 'TLS_HANDSHAKE_FAILED';
}

/** "TLS 1.2 to 1.3", or the range the session set. */
export function versionRange(min: TlsVersion | undefined, max: TlsVersion | undefined): Phrase {
  if (min === undefined && max === undefined) return phrase('tls.range.any');
  return phrase('tls.range.between', { min: min ?? TLS_VERSIONS[0], max: max ?? TLS_VERSIONS[TLS_VERSIONS.length - 1]! });
}

export interface HandshakeContext {
  /** Who the other side is: host:port. */
  where: string;
  /** The name the certificate had to be for (client). */
  name?: string | undefined;
  minVersion?: TlsVersion | undefined;
  maxVersion?: TlsVersion | undefined;
}

/** What went wrong in plain words, for a code a handshake failed with. */
function why(code: string, err: unknown, context: HandshakeContext): { what: Phrase; hint: Hint } {
  const meaning = MEANINGS[code];
  if (!meaning)
    return { what: phrase('tls.why.other', { text: err instanceof Error ? err.message : String(err) }), hint: 'hint.tls.other' };
  const [key, hint] = meaning;
  switch (key) {
    case 'tls.why.hostname':
      return { what: phrase(key, { name: context.name ?? context.where }), hint };
    case 'tls.why.version':
      return { what: phrase(key, { range: versionRange(context.minVersion, context.maxVersion) }), hint };
    case 'tls.why.peerRejected':
      return { what: phrase(key, { alert: alertName(code) }), hint };
    case 'tls.why.timeout':
      return { what: phrase(key, { duration: phrase('duration.s', { s: String(TLS_HANDSHAKE_TIMEOUT_MS / 1000) }) }), hint };
    default:
      return { what: phrase(key), hint };
  }
}

/** ERR_SSL_TLSV1_ALERT_UNKNOWN_CA → "unknown ca", the alert's name as RFC 8446 spells it. */
function alertName(code: string): string {
  return code
    .replace(/^ERR_SSL_(SSLV3|TLSV1|TLSV13)_ALERT_/, '')
    .toLowerCase()
    .replaceAll('_', ' ');
}

/** Our handshake with a server failed: the message names it, what went wrong and the code; the hint says what to change. */
export function handshakeError(err: unknown, context: HandshakeContext): AppError {
  const code = codeOf(err);
  const { what, hint } = why(code, err, context);
  return appError(code, phrase('sentence', { text: phrase('tls.failed', { where: context.where, what, code }) }), phrase(hint));
}

/** A client's handshake with a TLS listener failed. */
export function clientHandshakeError(err: unknown, context: HandshakeContext): AppError {
  const code = codeOf(err);
  const { what, hint } = why(code, err, context);
  return appError(code, phrase('sentence', { text: phrase('tls.clientFailed', { where: context.where, what, code }) }), phrase(hint));
}

/** A client whose certificate did not verify, or that sent none (the listener checks it itself, to say why). */
export function untrustedClient(reason: string | undefined, where: string): AppError {
  const code = reason === undefined ? 'CLIENT_CERT_MISSING' : 'CLIENT_CERT_UNTRUSTED';
  const what = reason === undefined ? phrase('tls.why.noClientCert') : phrase('tls.why.clientUntrusted', { reason });
  return appError(code, phrase('sentence', { text: phrase('tls.clientFailed', { where, what, code }) }), phrase('hint.tls.clientCert'));
}
