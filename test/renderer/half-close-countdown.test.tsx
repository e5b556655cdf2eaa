/**
 * After a peer's FIN the connection table says so, and counts down to the FIN the half-close
 * linger will send; once ours is sent, or with no linger running, there is no countdown.
 */
import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { connectionInfo, createFakeBridge, sessionEvent, sessionInfo } from '../support/renderer/fake-bridge';
import { renderApp } from '../support/renderer/render-app';

const row = async (remotePort: number) => {
  const cell = await screen.findByText(`127.0.0.1:${remotePort}`);
  return within(cell.closest('tr')!);
};

describe('half-close countdown', () => {
  it('counts down to our FIN after the peer’s, and stops once it is sent', async () => {
    const fake = createFakeBridge();
    renderApp(fake.bridge);
    fake.emit(sessionEvent(sessionInfo({ id: 's1', connections: [connectionInfo('c1', 50001), connectionInfo('c2', 50002)] })));
    const first = await row(50001);
    fake.emit({ type: 'half-closed', at: Date.now(), sessionId: 's1', connId: 'c1', by: 'peer', closesAt: Date.now() + 3_000 });
    expect(await first.findByText('peer sent FIN · our FIN in 3 s')).toBeInTheDocument();
    expect(await first.findByText('peer sent FIN · our FIN in 2 s', {}, { timeout: 3_000 })).toBeInTheDocument();

    fake.emit({ type: 'half-closed', at: Date.now(), sessionId: 's1', connId: 'c1', by: 'local' });
    expect(await first.findByText('peer sent FIN · FIN sent')).toBeInTheDocument();

    const second = await row(50002);
    fake.emit({ type: 'half-closed', at: Date.now(), sessionId: 's1', connId: 'c2', by: 'peer' });
    expect(await second.findByText('peer sent FIN')).toBeInTheDocument();
  });
});
