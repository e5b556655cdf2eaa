import { screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { findBridge } from '@renderer/api/bridge';
// The page's declaration of window.inspector.
import '@renderer/api/window';
import { createFakeBridge, sessionInfo } from '../support/renderer/fake-bridge';
import { renderApp } from '../support/renderer/render-app';

afterEach(() => {
  delete window.inspector;
});

describe('bridge', () => {
  it('reads window.inspector', () => {
    const { bridge } = createFakeBridge();
    window.inspector = bridge;
    expect(findBridge()).toBe(bridge);
  });

  it('treats a missing or partial bridge as missing', () => {
    expect(findBridge()).toBeUndefined();
    window.inspector = { open: () => undefined } as never;
    expect(findBridge()).toBeUndefined();
  });

  it('shows a full-page message without a bridge', () => {
    renderApp(undefined);
    expect(screen.getByRole('alert')).toHaveTextContent('Socket Inspector cannot reach its engine');
    expect(screen.getByRole('alert')).toHaveTextContent('window.inspector');
    expect(screen.queryByRole('form')).not.toBeInTheDocument();
  });

  it('lists the sessions that existed before the window opened', async () => {
    const fake = createFakeBridge();
    fake.answer('list', { ok: true, value: [sessionInfo({ id: 's9', port: 4321 })] });
    renderApp(fake.bridge);
    const list = await screen.findByRole('list', { name: 'Open sessions' });
    expect(within(list).getByText('127.0.0.1:4321')).toBeInTheDocument();
    expect(within(list).getByRole('button', { name: 'Close TCP server 127.0.0.1:4321' })).toBeEnabled();
  });
});
