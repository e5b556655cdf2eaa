/** Whether the page can reach the engine: always in Electron, across a WebSocket in browser mode. */
export type LinkState = 'connecting' | 'open' | 'closed';

export interface Link {
  state(): LinkState;
  /** Which server answered last; a change means the server restarted and its sessions are new. */
  instance(): string | undefined;
  subscribe(listener: () => void): () => void;
}

/** Electron's bridge is in-process: it is always there. */
export const alwaysOpen: Link = {
  state: () => 'open',
  instance: () => 'local',
  subscribe: () => () => undefined,
};
