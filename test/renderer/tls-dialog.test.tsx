/**
 * The new-session dialog's TLS section against a real engine: a listener with a generated
 * certificate, kept with the workspace by its key's reference (the key stays in main); a client
 * that does not verify, warned about in the dialog and on its header, showing the handshake and
 * the peer's chain; key files read through the host's file access (stubbed: it stands in for the
 * browser's file input) and handed to main's key store; bad ALPN marked on its field.
 */
import { screen, waitFor, within } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { GeneratedCertificate, InspectorBridge } from '@shared/contract';
import type { FileAccess, OpenedFile, RecordingSave } from '@renderer/api/files';
import { ok } from '@shared/result';
import { dialog, openDialog, retype } from '../support/renderer/open-session';
import { realEngine } from '../support/renderer/real-engine';
import { renderAppWith } from '../support/renderer/render-app';
import { tempDir } from '../support/temp-dir';
import { makeSelfSigned } from '../support/tls-peers';

const engine = realEngine();

/**
 * A self-signed certificate made by openssl: under jsdom, WebCrypto refuses the typed arrays of
 * jsdom's realm, so the certificate method is answered with it here (it runs for real in
 * test/engine/tls-server.test.ts and in Chromium in test/e2e/tls.test.ts).
 */
function opensslSelfSigned(dir: string): Omit<GeneratedCertificate, 'keyRef'> & { key: string } {
  const { cert, key } = makeSelfSigned(dir, 'self', 'localhost', ['subjectAltName=DNS:localhost,IP:127.0.0.1']);
  const summary = {
    subject: 'CN=localhost',
    issuer: 'CN=localhost',
    validFrom: new Date().toISOString(),
    validTo: new Date(Date.now() + 2 * 86_400_000).toISOString(),
    fingerprint256: '00',
    serialNumber: '01',
    subjectAltName: 'DNS:localhost, IP Address:127.0.0.1',
    selfSigned: true,
  };
  return { cert, key, summary };
}

let made: ReturnType<typeof opensslSelfSigned>;
beforeEach(async () => {
  made = opensslSelfSigned(await tempDir());
});

/** The app's bridge on the real engine, the certificate method answered with openssl's, its key put in the engine's key store. */
const bridgeMakingCertificates = (): InspectorBridge => {
  const bridge = engine.local.bridge;
  const certificate: InspectorBridge['certificate'] = async () => {
    const held = await engine.local.manager.keys({ action: 'import', key: made.key });
    return held.ok ? ok({ cert: made.cert, keyRef: held.value.keyRef, summary: made.summary }) : held;
  };
  return { ...bridge, certificate, onEvents: (listener) => bridge.onEvents(listener) };
};

function filesOpening(...opened: OpenedFile[]): FileAccess {
  const queue = [...opened];
  return {
    save: vi.fn(async () => ok(true)),
    open: vi.fn(async () => ok(queue.shift() ?? null)),
    saveRecording: vi.fn(async () => ok<RecordingSave>('saved')),
    recordingFolder: undefined,
  };
}

const tlsRegion = () => within(dialog().getByRole('region', { name: 'TLS' }));

describe('TLS in the new-session dialog', () => {
  it('opens a listener with a generated certificate saved in the workspace, then a non-verifying client to it', async () => {
    const { user, stores } = renderAppWith(bridgeMakingCertificates(), { files: filesOpening() });
    await openDialog(user);
    await user.click(dialog().getByRole('button', { name: 'TCP server' }));
    await retype(user, dialog().getByRole('combobox', { name: 'Host' }), '127.0.0.1');
    await retype(user, dialog().getByRole('textbox', { name: 'Port' }), '0');
    await user.click(dialog().getByRole('checkbox', { name: 'Use TLS' }));
    await user.click(tlsRegion().getByRole('button', { name: 'Generate self-signed certificate' }));
    await waitFor(() => expect(tlsRegion().getAllByText(/^Self-signed for localhost, 127\.0\.0\.1/)).toHaveLength(2));
    await user.click(dialog().getByRole('checkbox', { name: 'Save in workspace' }));
    await user.click(dialog().getByRole('button', { name: 'Listen' }));
    await waitFor(() => expect(screen.queryByRole('dialog', { name: 'New session' })).not.toBeInTheDocument());

    // Kept with the workspace: the saved definition has the certificate and its key's reference, not the key.
    const saved = stores.workspace.getState().savedSessions[0]!.config;
    expect(saved.kind === 'tcp-server' && saved.tls?.keyRef).toMatch(/^key-[0-9a-f]{32}$/);
    expect(JSON.stringify(stores.workspace.getState())).not.toContain('PRIVATE KEY');
    // What the engine shows of the session has no key.
    const listed = await engine.local.manager.list({});
    const listener = listed.ok ? listed.value[0]! : undefined;
    expect(JSON.stringify(listener)).not.toContain('PRIVATE KEY');
    const port = listener!.local!.port;
    // Saved again from the session list: the engine's config names the same key.
    await user.click(screen.getAllByRole('button', { name: /^More actions for/ })[0]!);
    await user.click(await screen.findByRole('menuitem', { name: 'Save to workspace' }));
    const again = stores.workspace.getState().savedSessions[1]!.config;
    expect(again.kind === 'tcp-server' && again.tls?.keyRef).toBe(saved.kind === 'tcp-server' ? saved.tls?.keyRef : undefined);

    await openDialog(user);
    await user.click(dialog().getByRole('button', { name: 'TCP client' }));
    await retype(user, dialog().getByRole('combobox', { name: 'Host' }), '127.0.0.1');
    await retype(user, dialog().getByRole('textbox', { name: 'Port' }), String(port));
    await user.click(dialog().getByRole('checkbox', { name: 'Use TLS' }));
    await user.click(tlsRegion().getByRole('checkbox', { name: "Verify the server's certificate and name" }));
    expect(tlsRegion().getByRole('alert')).toHaveTextContent('Verification is off');
    await user.click(dialog().getByRole('button', { name: 'Connect' }));
    await waitFor(() => expect(screen.queryByRole('dialog', { name: 'New session' })).not.toBeInTheDocument());

    const badge = await screen.findByLabelText(/^Certificate verification is off for this session/);
    expect(badge).toHaveTextContent('TLS, not verified');
    const details = await screen.findByRole('region', { name: /^TLS details of c/ });
    expect(details).toHaveTextContent(/TLS TLSv1\.3, TLS_\w+ · peer not verified \(DEPTH_ZERO_SELF_SIGNED_CERT\)/);
    await user.click(within(details).getByRole('button', { name: 'Peer certificate chain' }));
    const chain = within(details).getByRole('list', { name: 'Peer certificate chain' });
    expect(chain).toHaveTextContent('CN=localhost (self-signed)');
    expect(chain).toHaveTextContent(/SHA-256([0-9A-F]{2}:){31}[0-9A-F]{2}/);
  }, 120_000);

  it('reads the client certificate and key from the files the user picks, and marks a bad ALPN name and versions out of order on their fields', async () => {
    const encode = (text: string) => new TextEncoder().encode(text);
    const files = filesOpening({ name: 'client.pem', bytes: encode(made.cert) }, { name: 'client.key', bytes: encode(made.key) });
    const { user } = renderAppWith(engine.local.bridge, { files });
    await openDialog(user);
    await user.click(dialog().getByRole('button', { name: 'TCP client' }));
    await retype(user, dialog().getByRole('combobox', { name: 'Host' }), '127.0.0.1');
    await retype(user, dialog().getByRole('textbox', { name: 'Port' }), '9');
    await user.click(dialog().getByRole('checkbox', { name: 'Use TLS' }));
    await user.click(tlsRegion().getByRole('button', { name: 'Choose Client certificate…' }));
    await user.click(tlsRegion().getByRole('button', { name: 'Choose Private key…' }));
    expect(tlsRegion().getByText('client.pem')).toBeInTheDocument();
    expect(tlsRegion().getByText('client.key')).toBeInTheDocument();
    // The browser read the key file: its PEM went to main's key store once, and only there.
    expect(engine.local.calls.filter((c) => c.method === 'keys').map((c) => c.args)).toEqual([{ action: 'import', key: made.key }]);
    expect(files.open).toHaveBeenCalledWith([{ name: 'PEM', extensions: ['pem', 'crt', 'cer', 'key'] }]);
    await retype(user, tlsRegion().getByRole('textbox', { name: 'ALPN protocols' }), 'h2, ünicode');
    await user.click(tlsRegion().getByRole('combobox', { name: 'Lowest version' }));
    await user.click(await screen.findByRole('option', { name: 'TLSv1.3' }));
    await user.click(tlsRegion().getByRole('combobox', { name: 'Highest version' }));
    await user.click(await screen.findByRole('option', { name: 'TLSv1.2' }));
    await user.click(dialog().getByRole('button', { name: 'Connect' }));
    expect(tlsRegion().getByRole('textbox', { name: 'ALPN protocols' })).toHaveAccessibleDescription(/An ALPN protocol is printable ASCII/);
    expect(tlsRegion().getByText('The maximum TLS version is below the minimum: swap them.')).toBeInTheDocument();
    expect(engine.local.calls.filter((c) => c.method === 'open')).toEqual([]);
  }, 60_000);
});
