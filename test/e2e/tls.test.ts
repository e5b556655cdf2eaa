/**
 * A TLS listener made in the page, in real Chromium: TLS turned on in the new-session dialog, a
 * self-signed certificate generated there, openssl s_client connecting with it as its CA, its
 * plaintext in the log, and the handshake shown on the connection; saved in the workspace, the
 * listener's key stays in the server (its folder) and neither localStorage nor the workspace file
 * holds it.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { boundPort, e2eHarness, screenshot, sendFromComposer } from '../support/chromium';
import { tempDir } from '../support/temp-dir';
import { opensslClient } from '../support/tls-peers';
import { until } from '../support/until';

const h = e2eHarness();

describe('TLS in the page', () => {
  it('opens a TLS listener with a generated certificate; openssl s_client verifies it, and its data shows in the log', async () => {
    const page = await h.app();
    await page.getByRole('button', { name: 'New session', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'New session' });
    await dialog.getByRole('button', { name: 'TCP server', exact: true }).click();
    await dialog.getByRole('combobox', { name: 'Host' }).fill('127.0.0.1');
    await dialog.getByRole('textbox', { name: 'Port', exact: true }).fill('0');
    await dialog.getByRole('checkbox', { name: 'Use TLS' }).check();
    const tls = dialog.getByRole('region', { name: 'TLS' });
    await tls.getByRole('textbox', { name: 'ALPN protocols' }).fill('x-e2e');
    await tls.getByRole('button', { name: 'Generate self-signed certificate' }).click();
    await expect.poll(() => tls.getByText(/^Self-signed for localhost, 127\.0\.0\.1/).count()).toBe(2);
    await screenshot(page, 'tls-dialog');
    await dialog.getByRole('button', { name: 'Listen', exact: true }).click();
    await dialog.waitFor({ state: 'detached' });
    const port = await boundPort(page);
    await expect.poll(() => page.locator('header').getByText('TLS', { exact: true }).count()).toBe(1);

    // The certificate s_client must trust is the one the page generated: the session's config shows it (never its key).
    const sessions = await h.server!.manager.list({});
    const config = sessions.ok ? sessions.value[0]!.config : undefined;
    const cert = config?.kind === 'tcp-server' ? config.tls?.cert : undefined;
    expect(cert).toMatch(/^-----BEGIN CERTIFICATE-----/);
    expect(JSON.stringify(config)).not.toContain('PRIVATE KEY');
    const dir = await tempDir();
    const caFile = path.join(dir, 'ca.pem');
    await writeFile(caFile, cert!);
    const client = opensslClient(
      port,
      ['-CAfile', caFile, '-verify_return_error', '-servername', 'localhost', '-alpn', 'x-e2e'],
      h.cleanups,
    );
    const section = page.getByRole('region', { name: 'TLS details of c1' });
    await section.waitFor({ timeout: 15_000 });
    await expect.poll(() => section.textContent()).toContain('ALPN x-e2e');
    expect(await section.textContent()).toContain('TLS TLSv1.3');
    client.child.stdin!.write('hello from openssl s_client\n');
    const log = page.getByRole('list', { name: 'Traffic log' });
    await expect.poll(() => log.textContent(), { timeout: 15_000 }).toContain('hello from openssl s_client');
    await sendFromComposer(page, 'Text', 'hello back over TLS\\n');
    await until(() => client.output().includes('hello back over TLS'), 's_client printing our answer', 15_000);
    expect(client.output()).toContain('Verify return code: 0 (ok)');
    await screenshot(page, 'tls-listener');
  });

  it('saves a TLS listener with a generated certificate: the key stays in the server, never in localStorage or the workspace file', async () => {
    const keyFolder = path.join(await tempDir(), 'keys');
    const page = await h.app('light', { keyFolder });
    await page.getByRole('button', { name: 'New session', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'New session' });
    await dialog.getByRole('button', { name: 'TCP server', exact: true }).click();
    await dialog.getByRole('combobox', { name: 'Host' }).fill('127.0.0.1');
    await dialog.getByRole('textbox', { name: 'Port', exact: true }).fill('0');
    await dialog.getByRole('checkbox', { name: 'Use TLS' }).check();
    const tls = dialog.getByRole('region', { name: 'TLS' });
    await tls.getByRole('button', { name: 'Generate self-signed certificate' }).click();
    await expect.poll(() => tls.getByText(/^Self-signed for localhost, 127\.0\.0\.1/).count()).toBe(2);
    // The one way the key leaves the server: the user's export, a download the page's script never reads.
    const exporting = page.waitForEvent('download');
    await tls.getByRole('button', { name: 'Export certificate and key…' }).click();
    const exported = path.join(await tempDir(), 'exported.pem');
    await (await exporting).saveAs(exported);
    const pem = await readFile(exported, 'utf8');
    expect(pem).toMatch(/^-----BEGIN CERTIFICATE-----[\s\S]+-----BEGIN PRIVATE KEY-----/);
    await screenshot(page, 'tls-dialog-export');
    await dialog.getByRole('checkbox', { name: 'Save in workspace' }).check();
    await dialog.getByRole('button', { name: 'Listen', exact: true }).click();
    await dialog.waitFor({ state: 'detached' });
    const port = await boundPort(page);

    const sessions = await h.server!.manager.list({});
    const config = sessions.ok ? sessions.value[0]!.config : undefined;
    const shown = config?.kind === 'tcp-server' ? config.tls : undefined;
    expect(shown?.keyRef).toMatch(/^key-[0-9a-f]{32}$/);
    const dir = await tempDir();
    const caFile = path.join(dir, 'ca.pem');
    await writeFile(caFile, shown!.cert!);
    expect(pem.startsWith(shown!.cert!.trimEnd())).toBe(true);
    const client = opensslClient(port, ['-CAfile', caFile, '-verify_return_error', '-servername', 'localhost'], h.cleanups);
    client.child.stdin!.write('saved listener\n');
    const log = page.getByRole('list', { name: 'Traffic log' });
    await expect.poll(() => log.textContent(), { timeout: 15_000 }).toContain('saved listener');
    await until(() => client.output().includes('Verify return code: 0 (ok)'), 's_client verifying the certificate', 15_000);

    // The saved session's key is kept where the server keeps its own files, owner-only.
    await expect.poll(() => readdir(keyFolder).catch(() => []), { timeout: 10_000 }).toEqual([`${shown!.keyRef}.json`]);
    const stored = await page.evaluate(() => JSON.stringify(Object.entries(window.localStorage)));
    expect(stored).toContain(shown!.keyRef!);
    expect(stored).not.toContain('PRIVATE KEY');
    // The export is a download the user starts; the page's own script cannot read it.
    const scripted = await page.evaluate(async (url) => {
      const answer = await fetch(url);
      return { status: answer.status, body: await answer.text() };
    }, `/keys/${shown!.keyRef!}`);
    expect(scripted.status).toBe(403);
    expect(scripted.body).not.toContain('PRIVATE KEY');

    await page.locator('body').click({ position: { x: 5, y: 5 } });
    const downloading = page.waitForEvent('download');
    await page.keyboard.press('Control+s');
    const file = path.join(dir, 'workspace.json');
    await (await downloading).saveAs(file);
    const workspace = await readFile(file, 'utf8');
    expect(workspace).toContain(shown!.keyRef!);
    expect(workspace).toContain('BEGIN CERTIFICATE');
    expect(workspace).not.toContain('PRIVATE KEY');
  });
});
