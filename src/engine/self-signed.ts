import { X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import { generate } from 'selfsigned';
import type { CertificateSummary, ParsedArgs } from '@shared/contract';
import { summarize } from './tls-details';

/**
 * A self-signed certificate for a quick TLS server: an ECDSA P-256 key (fast to make, accepted
 * by every current TLS stack), signed with SHA-256, for the names given (DNS names and IP
 * addresses in the subject alternative name, which is what clients check).
 */
export async function selfSignedCertificate(
  args: ParsedArgs<'certificate'>,
): Promise<{ cert: string; key: string; summary: CertificateSummary }> {
  const notBeforeDate = new Date();
  const notAfterDate = new Date(notBeforeDate.getTime() + args.days * 24 * 60 * 60 * 1000);
  const pems = await generate([{ name: 'commonName', value: args.commonName }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate,
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true, clientAuth: true },
      { name: 'subjectAltName', altNames: args.names.map((name) => (isIP(name) ? { type: 7, ip: name } : { type: 2, value: name })) },
    ],
  });
  return { cert: pems.cert, key: pems.private, summary: summarize(new X509Certificate(pems.cert)) };
}
