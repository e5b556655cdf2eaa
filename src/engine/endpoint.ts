import type { AddressFamily, Endpoint } from '@shared/address';

const UNKNOWN: Endpoint = { address: '', port: 0, family: 'IPv4' };

/** Node reports family as 'IPv4' | 'IPv6', or as 4 | 6 in some versions. */
export function toFamily(family: string | number | undefined, address: string): AddressFamily {
  if (family === 'IPv6' || family === 6) return 'IPv6';
  if (family === 'IPv4' || family === 4) return 'IPv4';
  return address.includes(':') ? 'IPv6' : 'IPv4';
}

export const MAPPED_IPV4 = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i;

/**
 * A dual-stack socket sees IPv4 peers as `::ffff:a.b.c.d`. People think of them as IPv4, and
 * the IPv4 limits apply to them, so they are reported (and replied to) as IPv4.
 */
export function unmapIPv4(address: string): string {
  return MAPPED_IPV4.exec(address)?.[1] ?? address;
}

export function endpoint(address: string | undefined, port: number | undefined, family?: string | number): Endpoint {
  if (!address || port === undefined) return { ...UNKNOWN };
  const plain = unmapIPv4(address);
  return { address: plain, port, family: plain === address ? toFamily(family, address) : 'IPv4' };
}
