import { defaultByteOrder, formatChecksum, verifyChecksum } from '@shared/checksums';
import type { ChecksumOption } from '@shared/contract';
import type { Translate } from '../i18n/languages';

export interface ChecksumMark {
  good: boolean;
  text: string;
}

/** Whether a received message's check value is right (the log's ✓ / ✗ and its bad-only filter). */
export function checksumGood(checksum: ChecksumOption, message: Uint8Array): boolean {
  return verifyChecksum({ ...checksum, order: checksum.order ?? defaultByteOrder(checksum.algorithm) }, message).verdict === 'ok';
}

/** ✓ with the value, or ✗ with the expected and the received one (or why the message cannot hold one). */
export function checksumMark(t: Translate, checksum: ChecksumOption, message: Uint8Array): ChecksumMark {
  const { algorithm } = checksum;
  const verdict = verifyChecksum({ ...checksum, order: checksum.order ?? defaultByteOrder(algorithm) }, message);
  const name = t(`protocol.checksum.${algorithm}`);
  switch (verdict.verdict) {
    case 'ok':
      return { good: true, text: t('protocol.verify.ok', { algorithm: name, value: formatChecksum(algorithm, verdict.value) }) };
    case 'bad':
      return {
        good: false,
        text: t('protocol.verify.bad', {
          algorithm: name,
          expected: formatChecksum(algorithm, verdict.expected),
          received: formatChecksum(algorithm, verdict.received),
        }),
      };
    case 'short':
      return { good: false, text: t('protocol.verify.short', { algorithm: name, length: verdict.length, needed: verdict.needed }) };
  }
}
