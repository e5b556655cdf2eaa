/**
 * The sidebar on the real engine: saved session definitions survive a re-mount through
 * localStorage and open again, with one click, as real sockets on loopback, from the sidebar and from the start screen.
 */
import { act, render, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { tcpPeerServer } from '../support/peers';
import { createInspectorStore } from '@renderer/store/inspector-store';
import { App } from '@renderer/App';
import { WORKSPACE_STORAGE_KEY } from '@renderer/workspace/workspace-store';
import { ok } from '@shared/result';
import { sessionConfigSchema } from '@shared/contract';
import { createFakeBridge, sessionInfo } from '../support/renderer/fake-bridge';
import { realEngine } from '../support/renderer/real-engine';
import { dialog, fillEndpoint, openDialog, openSession, retype } from '../support/renderer/open-session';
import { renderApp } from '../support/renderer/render-app';

const engine = realEngine();
const { cleanups } = engine;

const sessionList = () => within(screen.getByRole('list', { name: 'Open sessions' }));
const savedList = () => within(screen.getByRole('list', { name: 'Saved sessions' }));
const stored = () =>
  JSON.parse(localStorage.getItem(WORKSPACE_STORAGE_KEY) ?? 'null') as { state: { savedSessions: { name: string; config: unknown }[] } };

describe('sidebar and saved sessions', () => {
  it('keeps a listener saved from the dialog across a re-mount and opens it again with one click', async () => {
    const first = renderApp(engine.local.bridge);
    const { user } = first;
    await openDialog(user);
    await fillEndpoint(user, 'TCP server', '127.0.0.1', '0');
    await user.click(dialog().getByRole('checkbox', { name: 'Save in workspace' }));
    await retype(user, dialog().getByRole('textbox', { name: 'Name in workspace' }), 'Bench listener');
    await user.click(dialog().getByRole('button', { name: 'Listen' }));
    await waitFor(() => expect(sessionList().getByText(/^127\.0\.0\.1:[1-9]\d*$/)).toBeInTheDocument());
    expect(stored().state.savedSessions.map((s) => s.name)).toEqual(['Bench listener']);
    first.unmount();

    const again = renderApp(engine.local.bridge);
    expect(savedList().getByText('Bench listener')).toBeInTheDocument();
    await again.user.click(savedList().getByRole('button', { name: 'Open saved session Bench listener' }));
    await waitFor(() => expect(sessionList().getAllByText(/^127\.0\.0\.1:[1-9]\d*$/)).toHaveLength(2));
    const listed = await engine.local.bridge.list({});
    expect(listed.ok && listed.value.filter((s) => s.kind === 'tcp-server' && s.state === 'open')).toHaveLength(2);
  });

  it('saves a client from its menu, and after a re-mount one click connects to the real server again', async () => {
    const peer = await tcpPeerServer(cleanups);
    const first = renderApp(engine.local.bridge);
    await openSession(first.user, 'TCP client', '127.0.0.1', String(peer.port));
    await waitFor(() => expect(peer.sockets).toHaveLength(1));
    await first.user.click(await screen.findByRole('button', { name: `More actions for TCP client 127.0.0.1:${peer.port}` }));
    await first.user.click(screen.getByRole('menuitem', { name: 'Save to workspace' }));
    expect(savedList().getByText(`TCP client 127.0.0.1:${peer.port}`)).toBeInTheDocument();
    first.unmount();

    const again = renderApp(engine.local.bridge);
    await again.user.click(savedList().getByRole('button', { name: `Open saved session TCP client 127.0.0.1:${peer.port}` }));
    await waitFor(() => expect(peer.sockets).toHaveLength(2));
  });

  it('offers endpoints used before and saved sessions on the start screen; a recent client connects in one click', async () => {
    const peer = await tcpPeerServer(cleanups);
    const { user, stores } = renderApp(engine.local.bridge);
    act(() => {
      stores.workspace.getState().rememberEndpoint({ kind: 'tcp-client', host: '127.0.0.1', port: peer.port });
      stores.workspace
        .getState()
        .saveSession('Bench listener', sessionConfigSchema.parse({ kind: 'tcp-server', host: '127.0.0.1', port: 0 }));
    });
    const again = within(await screen.findByRole('region', { name: 'Open again' }));
    expect(again.getByRole('button', { name: 'Open saved session Bench listener' })).toBeInTheDocument();
    await user.click(again.getByRole('button', { name: `Open TCP client 127.0.0.1:${peer.port} again` }));
    await waitFor(() => expect(peer.sockets).toHaveLength(1));
    const listed = await engine.local.bridge.list({});
    expect(listed.ok && listed.value.map((one) => [one.kind, one.state])).toEqual([['tcp-client', 'open']]);
  });

  it('opens a saved session from the start screen with one click, as a real listener', async () => {
    const { user, stores } = renderApp(engine.local.bridge);
    act(() => {
      stores.workspace
        .getState()
        .saveSession('Bench listener', sessionConfigSchema.parse({ kind: 'tcp-server', host: '127.0.0.1', port: 0 }));
    });
    const again = within(await screen.findByRole('region', { name: 'Open again' }));
    await user.click(again.getByRole('button', { name: 'Open saved session Bench listener' }));
    await waitFor(() => expect(sessionList().getByText(/^127\.0\.0\.1:[1-9]\d*$/)).toBeInTheDocument());
    const listed = await engine.local.bridge.list({});
    expect(listed.ok && listed.value.map((one) => [one.kind, one.state])).toEqual([['tcp-server', 'open']]);
  });

  it('renames and deletes a saved session, and the change is stored', async () => {
    const fake = createFakeBridge();
    fake.answer('list', ok([sessionInfo({ id: 's1', port: 4000 })]));
    const { user } = renderApp(fake.bridge);
    await user.click(await screen.findByRole('button', { name: 'More actions for TCP server 127.0.0.1:4000' }));
    await user.click(screen.getByRole('menuitem', { name: 'Save to workspace' }));
    await user.click(savedList().getByRole('button', { name: 'More actions for saved session TCP server 127.0.0.1:4000' }));
    await user.click(screen.getByRole('menuitem', { name: 'Rename…' }));
    const rename = within(await screen.findByRole('dialog', { name: 'Rename saved session' }));
    await retype(user, rename.getByRole('textbox', { name: 'Name' }), '  ');
    await user.click(rename.getByRole('button', { name: 'Rename' }));
    expect(rename.getByRole('textbox', { name: 'Name' })).toHaveAccessibleDescription('Name is empty.');
    await retype(user, rename.getByRole('textbox', { name: 'Name' }), 'PLC');
    await user.click(rename.getByRole('button', { name: 'Rename' }));
    await waitFor(() => expect(savedList().getByText('PLC')).toBeInTheDocument());
    expect(stored().state.savedSessions.map((s) => s.name)).toEqual(['PLC']);

    await user.click(savedList().getByRole('button', { name: 'More actions for saved session PLC' }));
    await user.click(screen.getByRole('menuitem', { name: 'Delete' }));
    await waitFor(() => expect(screen.queryByRole('list', { name: 'Saved sessions' })).not.toBeInTheDocument());
    expect(stored().state.savedSessions).toEqual([]);
  });

  it('shows each session with kind, endpoint, state in words and counters', async () => {
    const fake = createFakeBridge();
    fake.answer('list', ok([sessionInfo({ id: 'a', port: 4001 }), sessionInfo({ id: 'b', kind: 'udp', port: 4002, state: 'closed' })]));
    renderApp(fake.bridge);
    const items = await waitFor(() => {
      const found = sessionList().getAllByRole('listitem');
      expect(found).toHaveLength(2);
      return found;
    });
    expect(items[0]).toHaveTextContent(/TCP server.*Open.*127\.0\.0\.1:4001/);
    expect(items[0]).toHaveTextContent('Received 0 bytes in 0 chunks, sent 0 bytes in 0 chunks');
    expect(items[1]).toHaveTextContent(/UDP.*Closed.*127\.0\.0\.1:4002/);
    expect(within(items[1]!).getByRole('button', { name: 'Reopen UDP 127.0.0.1:4002' })).toBeEnabled();
    expect(within(items[1]!).getByRole('button', { name: 'Close UDP 127.0.0.1:4002' })).toBeDisabled();
  });

  it("shows a client's reconnect attempt and next try when the session carries them, and nothing otherwise", async () => {
    const fake = createFakeBridge();
    const store = createInspectorStore();
    const info = sessionInfo({ id: 'c1', kind: 'tcp-client', port: 7000, state: 'opening' });
    fake.answer('list', ok([info]));
    render(<App bridge={fake.bridge} language="en" store={store} />);
    await screen.findByRole('button', { name: 'Close TCP client 127.0.0.1:7000' });
    expect(screen.queryByText(/Reconnect attempt/)).not.toBeInTheDocument();

    const nextAt = new Date(2025, 0, 1, 12, 0, 5, 250).getTime();
    act(() => fake.emit({ type: 'session', at: nextAt - 1000, session: { ...info, reconnect: { attempt: 3, nextAt } } }));
    expect(sessionList().getByRole('status')).toHaveTextContent('Reconnect attempt 3: next try at 12:00:05.250');
    act(() => fake.emit({ type: 'session', at: nextAt, session: { ...info, state: 'open' } }));
    expect(screen.queryByText(/Reconnect attempt/)).not.toBeInTheDocument();
  });
});
