import { formatEndpoint } from '@shared/address';
import type { Endpoint } from '@shared/contract';

const pad = (value: number, width: number): string => String(value).padStart(width, '0');

/** Local wall-clock time with milliseconds, as packet tools show it: 14:03:07.042. */
export function formatClock(epochMs: number): string {
  const date = new Date(epochMs);
  return `${pad(date.getHours(), 2)}:${pad(date.getMinutes(), 2)}:${pad(date.getSeconds(), 2)}.${pad(date.getMilliseconds(), 3)}`;
}

export function endpointText(endpoint: Endpoint): string {
  return formatEndpoint(endpoint.address, endpoint.port);
}

const SIZE_UNITS = ['KiB', 'MiB', 'GiB', 'TiB'];

/** A file size as people read it: 812 B, 4.2 KiB, 1.5 GiB; `formatNumber` groups and localizes the digits. */
export function formatByteSize(bytes: number, formatNumber: (value: number) => string = (value) => String(value)): string {
  if (bytes < 1024) return `${formatNumber(bytes)} B`;
  let value = bytes;
  let unit = -1;
  while (value >= 1024 && unit < SIZE_UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${formatNumber(Math.round(value * 10) / 10)} ${SIZE_UNITS[unit]!}`;
}
