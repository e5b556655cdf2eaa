import { act } from '@testing-library/react';
import { afterEach, beforeEach } from 'vitest';
import type { Cleanups } from '../peers';
import { createLocalBridge, type LocalBridge, type LocalBridgeOptions } from './local-bridge';

export interface RealEngine {
  /** This test's bridge on its own engine. */
  readonly local: LocalBridge;
  /** What the test opened beside the app (peers, servers): undone newest first after it. */
  cleanups: Cleanups;
}

/**
 * Every test of the file gets the app's bridge on a real engine, from a fresh launch. After the
 * test its cleanups run, then the engine closes its sessions. `setup` runs before each test and
 * may hand over a recorder.
 */
export function realEngine(
  setup: () => Omit<LocalBridgeOptions, 'deliver'> | Promise<Omit<LocalBridgeOptions, 'deliver'>> = () => ({}),
): RealEngine {
  let local: LocalBridge | undefined;
  const cleanups: Cleanups = [];
  beforeEach(async () => {
    // The workspace and view preferences persist; each test starts from a fresh launch.
    localStorage.clear();
    // Batches arrive on the engine's timer; act() lets React apply them as one update.
    local = createLocalBridge({ ...(await setup()), deliver: (run) => act(run) });
  });
  afterEach(async () => {
    for (const clean of cleanups.splice(0).reverse()) await clean();
    await local?.dispose();
  });
  return {
    get local() {
      if (!local) throw new Error('realEngine: the bridge is made before each test; use it inside one');
      return local;
    },
    cleanups,
  };
}
