import type { InspectorBridge } from '@shared/contract';

declare global {
  interface Window {
    /** Exposed by the preload (or a browser-mode shim); absent when the page is opened alone. */
    inspector?: InspectorBridge;
  }
}

export {};
