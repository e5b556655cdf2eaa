import { formatEndpoint } from '../../shared/address';
import type { Endpoint } from '../../shared/contract';

const pad = (value: number, width: number): string => String(value).padStart(width, '0');

/** Local wall-clock time with milliseconds, as packet tools show it: 14:03:07.042. */
export function formatClock(epochMs: number): string {
  const date = new Date(epochMs);
  return `${pad(date.getHours(), 2)}:${pad(date.getMinutes(), 2)}:${pad(date.getSeconds(), 2)}.${pad(date.getMilliseconds(), 3)}`;
}

export function endpointText(endpoint: Endpoint): string {
  return formatEndpoint(endpoint.address, endpoint.port);
}
