import { X509Certificate } from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import type { CertificateSummary, TlsDetails } from '@shared/contract';
import { MAX_SHOWN_CHAIN } from '@shared/limits';

/** "CN=localhost, O=Example": the distinguished name on one line, as openssl -nameopt oneline shows it. */
const oneLine = (name: string): string => name.split('\n').filter(Boolean).join(', ');

/** The public facts of one certificate: never anything of its key. */
export function summarize(cert: X509Certificate): CertificateSummary {
  return {
    subject: oneLine(cert.subject),
    issuer: oneLine(cert.issuer),
    validFrom: new Date(cert.validFrom).toISOString(),
    validTo: new Date(cert.validTo).toISOString(),
    fingerprint256: cert.fingerprint256,
    serialNumber: cert.serialNumber,
    ...(cert.subjectAltName ? { subjectAltName: cert.subjectAltName } : {}),
    // checkIssued also asks for the CA key usage, which a leaf's own self-signature lacks.
    selfSigned: cert.subject === cert.issuer && cert.verify(cert.publicKey),
  };
}

/** The certificates of a PEM text, in order; those that do not parse are left out (the secure context has refused them already). */
export function pemCertificates(pem: string): X509Certificate[] {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  const certs: X509Certificate[] = [];
  for (const block of blocks) {
    try {
      certs.push(new X509Certificate(block));
    } catch {
      // Not a certificate after all: nothing to show of it.
    }
  }
  return certs;
}

/**
 * The peer's chain, leaf first: what it sent, completed by the CA that verified it. Node links
 * each certificate to its issuer, and a root to itself.
 */
function peerChain(socket: TLSSocket): CertificateSummary[] {
  const chain: CertificateSummary[] = [];
  const seen = new Set<string>();
  let cert = socket.getPeerCertificate(true);
  while (cert && cert.raw && chain.length < MAX_SHOWN_CHAIN) {
    const x509 = new X509Certificate(cert.raw);
    if (seen.has(x509.fingerprint256)) break;
    seen.add(x509.fingerprint256);
    chain.push(summarize(x509));
    cert = cert.issuerCertificate;
  }
  return chain;
}

/** What the handshake of `socket` settled, as the connection shows it. */
export function tlsDetails(socket: TLSSocket, servername: string | undefined): TlsDetails {
  const cipher = socket.getCipher();
  const alpn = socket.alpnProtocol;
  const error = socket.authorizationError;
  return {
    protocol: socket.getProtocol() ?? 'unknown',
    cipher: cipher.standardName || cipher.name,
    ...(typeof alpn === 'string' && alpn !== '' ? { alpn } : {}),
    ...(servername ? { servername } : {}),
    authorized: socket.authorized,
    ...(error ? { authorizationError: typeof error === 'string' ? error : error.message } : {}),
    peerCertificates: peerChain(socket),
  };
}
