import { METHOD_NAMES, type InspectorBridge } from '@shared/contract';

function isBridge(value: unknown): value is InspectorBridge {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return typeof record.onEvents === 'function' && METHOD_NAMES.every((name) => typeof record[name] === 'function');
}

/** The bridge when the page has a complete one; a partial object counts as missing. */
export function findBridge(): InspectorBridge | undefined {
  if (typeof window === 'undefined') return undefined;
  const candidate: unknown = window.inspector;
  return isBridge(candidate) ? candidate : undefined;
}
