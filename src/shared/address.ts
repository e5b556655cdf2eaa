import { z } from 'zod';
import { MAX_HOST_LENGTH } from './limits';
import { phrase, type Phrase } from './phrase';

export type AddressFamily = 'IPv4' | 'IPv6';

export interface Endpoint {
  address: string;
  port: number;
  family: AddressFamily;
}

const ipv4 = z.ipv4();
const ipv6 = z.ipv6();
const hostname = z.hostname();
const ZONE = /^[A-Za-z0-9_.-]{1,64}$/;
const NUMERIC_LABELS = /^[0-9.]+$/;

export function isIPv4(value: string): boolean {
  return ipv4.safeParse(value).success;
}

/** IPv6, with an optional zone (`fe80::1%eth0`) as link-local and multicast addresses need. */
export function isIPv6(value: string): boolean {
  const zoneAt = value.indexOf('%');
  if (zoneAt === -1) return ipv6.safeParse(value).success;
  return ipv6.safeParse(value.slice(0, zoneAt)).success && ZONE.test(value.slice(zoneAt + 1));
}

export function ipFamily(value: string): AddressFamily | undefined {
  if (isIPv4(value)) return 'IPv4';
  if (isIPv6(value)) return 'IPv6';
  return undefined;
}

/**
 * Why a host string cannot be used, or undefined when it can. A host is an IPv4 address, an
 * IPv6 address (no brackets) or a DNS name; dotted numbers that are not a valid IPv4 address
 * (`1.2.3.256`) are refused rather than looked up as a name.
 */
export function hostProblem(value: string): Phrase | undefined {
  if (value.length === 0) return phrase('host.empty');
  if (value.length > MAX_HOST_LENGTH) return phrase('host.tooLong', { length: String(value.length), max: String(MAX_HOST_LENGTH) });
  if (value.startsWith('[') && value.endsWith(']')) return phrase('host.brackets', { inner: value.slice(1, -1) });
  if (ipFamily(value)) return undefined;
  if (NUMERIC_LABELS.test(value)) return phrase('host.badIPv4', { value });
  if (value.includes(':')) return phrase('host.badIPv6', { value });
  if (!hostname.safeParse(value).success) return phrase('host.badName', { value });
  return undefined;
}

/** Multicast ranges: 224.0.0.0/4 and ff00::/8. */
export function isMulticast(value: string): boolean {
  if (isIPv4(value)) {
    const first = Number(value.split('.')[0]);
    return first >= 224 && first <= 239;
  }
  return isIPv6(value) && /^ff/i.test(value);
}

/** `host:port` as people write it, with brackets around IPv6. */
export function formatEndpoint(address: string, port: number): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}
