/**
 * TLS in the relay, set up in the new-session dialog in real Chromium: the relay ends the TLS of
 * openssl s_client with a certificate generated in the dialog, and speaks TLS to openssl s_server
 * upstream, verified against a CA bundle chosen through the page's file chooser. The plaintext
 * shows both ways in the log, each leg's handshake on the pair, and the key log lands beside the
 * recording. With the upstream's verification off, the session's badge is the warning.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Locator } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { boundPort, e2eHarness, screenshot } from '../support/chromium';
import { tcpPeerClient } from '../support/peers';
import { tempDir } from '../support/temp-dir';
import { makeCertificates, opensslClient, opensslServer } from '../support/tls-peers';
import { until } from '../support/until';

const h = e2eHarness();

/**
 * How much of the element's text the boxes that clip it leave unseen, in CSS pixels each side
 * (0: all of it shows). The text, not the element: a cell spans the table, which may be wider.
 */
const shownIn = (locator: Locator) =>
  locator.evaluate((element) => {
    const range = document.createRange();
    range.selectNodeContents(element);
    const box = range.getBoundingClientRect();
    const hidden = {
      top: 0,
      bottom: Math.max(0, box.bottom - window.innerHeight),
      left: 0,
      right: Math.max(0, box.right - window.innerWidth),
    };
    for (let parent = element.parentElement; parent; parent = parent.parentElement) {
      const style = getComputedStyle(parent);
      if (style.overflowX === 'visible' && style.overflowY === 'visible') continue;
      const clip = parent.getBoundingClientRect();
      hidden.top = Math.max(hidden.top, clip.top - box.top);
      hidden.bottom = Math.max(hidden.bottom, box.bottom - clip.bottom);
      hidden.left = Math.max(hidden.left, clip.left - box.left);
      hidden.right = Math.max(hidden.right, box.right - clip.right);
    }
    return Object.fromEntries(Object.entries(hidden).map(([side, px]) => [side, Math.round(Math.max(0, px))]));
  });

describe('relay TLS in the page', () => {
  it('terminates s_client’s TLS with a generated certificate, verifies s_server upstream, and shows the plaintext', async () => {
    const folder = await tempDir('si-e2e-relay-tls-');
    const certs = makeCertificates(await tempDir());
    // -rev: the server answers each line reversed, so the answer proves it read the plaintext.
    const upstream = await opensslServer(
      ['-cert', certs.files.serverCert, '-key', certs.files.serverKey, '-rev', '-alpn', 'x-up'],
      h.cleanups,
    );
    const page = await h.app('light', { recordDir: folder });
    await page.getByRole('button', { name: 'New session', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'New session' });
    await dialog.getByRole('button', { name: 'Relay', exact: true }).click();
    await dialog.getByRole('combobox', { name: 'Host' }).fill('127.0.0.1');
    await dialog.getByRole('textbox', { name: 'Port', exact: true }).fill('0');
    await dialog.getByRole('textbox', { name: 'Upstream port', exact: true }).fill(String(upstream.port));

    // Over UDP there is no TLS to offer; back on TCP both sections are there.
    const over = dialog.getByRole('group', { name: 'Relay over' });
    await over.getByRole('button', { name: 'UDP', exact: true }).click();
    await expect.poll(() => over.getByRole('button', { name: 'UDP', exact: true }).getAttribute('aria-pressed')).toBe('true');
    expect(await dialog.getByRole('checkbox', { name: "End the clients' TLS here" }).count()).toBe(0);
    expect(await dialog.getByRole('checkbox', { name: 'Use TLS to the upstream' }).count()).toBe(0);
    await over.getByRole('button', { name: 'TCP', exact: true }).click();

    await dialog.getByRole('checkbox', { name: "End the clients' TLS here" }).check();
    const front = dialog.getByRole('region', { name: 'TLS with the clients' });
    await front.getByRole('textbox', { name: 'ALPN protocols' }).fill('x-front');
    await front.getByRole('button', { name: 'Generate self-signed certificate' }).click();
    await expect.poll(() => front.getByText(/^Self-signed for localhost, 127\.0\.0\.1/).count()).toBe(2);
    await front.getByRole('checkbox', { name: 'Write a TLS key log' }).check();

    await dialog.getByRole('checkbox', { name: 'Use TLS to the upstream' }).check();
    const back = dialog.getByRole('region', { name: 'TLS to the upstream' });
    await back.getByRole('textbox', { name: 'SNI name' }).fill('localhost');
    await back.getByRole('textbox', { name: 'ALPN protocols' }).fill('x-up');
    // Verification off is warned about at once; it stays on here, against the test CA.
    await back.getByRole('checkbox', { name: "Verify the server's certificate and name" }).uncheck();
    await back.getByText(/^Verification is off/).waitFor();
    await back.getByRole('checkbox', { name: "Verify the server's certificate and name" }).check();
    const choosing = page.waitForEvent('filechooser');
    await back.getByRole('button', { name: 'Choose CA bundle…' }).click();
    await (await choosing).setFiles(certs.files.ca);
    await back.getByText('ca.pem', { exact: true }).waitFor();
    await screenshot(page, 'relay-tls-dialog');

    await dialog.getByRole('button', { name: 'Start relay', exact: true }).click();
    await dialog.waitFor({ state: 'detached' });
    const port = await boundPort(page);
    await page.locator('header').getByText('TLS: clients · upstream', { exact: true }).waitFor();

    // s_client must trust the certificate the page generated: the session's config shows it, never its key.
    const sessions = await h.server!.manager.list({});
    const config = sessions.ok ? sessions.value[0]!.config : undefined;
    const cert = config?.kind === 'relay' ? config.tls?.cert : undefined;
    expect(cert).toMatch(/^-----BEGIN CERTIFICATE-----/);
    expect(config?.kind === 'relay' && config.upstreamTls?.ca).toBe(certs.caPem);
    expect(JSON.stringify(config)).not.toContain('PRIVATE KEY');
    const caFile = path.join(folder, 'relay-ca.pem');
    await writeFile(caFile, cert!);
    const client = opensslClient(
      port,
      ['-CAfile', caFile, '-verify_return_error', '-servername', 'localhost', '-alpn', 'x-front'],
      h.cleanups,
    );
    const table = page.getByRole('table', { name: 'Connections' });
    const clientLeg = table.getByRole('region', { name: 'TLS details of c1' });
    const upstreamLeg = table.getByRole('region', { name: 'TLS details of the upstream leg of c1' });
    await upstreamLeg.waitFor({ timeout: 15_000 });
    await expect.poll(() => clientLeg.textContent()).toMatch(/^Client leg: TLS TLSv1\.3, .* · ALPN x-front/);
    await expect
      .poll(() => upstreamLeg.textContent())
      .toMatch(/^Upstream leg: TLS TLSv1\.3, .* · ALPN x-up · SNI localhost · peer verified/);

    client.child.stdin!.write('secret hello\n');
    await until(() => client.output().includes('olleh terces'), 's_client printing the reversed line', 15_000);
    expect(client.output()).toContain('Verify return code: 0 (ok)');
    const flows = page.getByTestId('log-flow');
    await expect.poll(() => flows.allTextContents()).toEqual(['client → server', 'server → client']);
    await expect.poll(() => page.getByTestId('log-payload').allTextContents()).toEqual(['secret hello\\n', 'olleh terces\\n']);
    for (const [width, height] of [
      [1024, 700],
      [1280, 800],
      [1920, 1080],
    ] as const) {
      await page.setViewportSize({ width, height });
      await screenshot(page, `relay-tls-${width}`);
      // Each leg's handshake is whole: at 1920×1080 as the page opens; where the log's minimum
      // leaves the connections section less room, once the section is scrolled to it.
      for (const leg of [clientLeg, upstreamLeg]) {
        if (width < 1920) await leg.scrollIntoViewIfNeeded();
        expect(await shownIn(leg), `${width}×${height}`).toEqual({ top: 0, bottom: 0, left: 0, right: 0 });
      }
    }
    // The upstream's chain as it sent it: its certificate, then the test CA's.
    await upstreamLeg.getByRole('button', { name: 'Peer certificate chain' }).click();
    await upstreamLeg.getByText('CN=localhost', { exact: true }).waitFor();

    // The client leg's secrets (the one side with a key log) are beside the recording.
    const keyLogIn = async () => (await readdir(folder)).find((name) => name.endsWith('.keylog'));
    await expect.poll(keyLogIn, { timeout: 15_000 }).toBeDefined();
    const secrets = await readFile(path.join(folder, (await keyLogIn())!), 'utf8');
    expect(secrets).toMatch(/^(CLIENT_HANDSHAKE_TRAFFIC_SECRET|SERVER_HANDSHAKE_TRAFFIC_SECRET|CLIENT_RANDOM) /m);
  });

  it('warns on the session when the upstream leg does not verify the server, and says why on the pair', async () => {
    const certs = makeCertificates(await tempDir());
    const upstream = await opensslServer(['-cert', certs.files.serverCert, '-key', certs.files.serverKey, '-rev'], h.cleanups);
    const page = await h.app('light');
    await page.getByRole('button', { name: 'New session', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'New session' });
    await dialog.getByRole('button', { name: 'Relay', exact: true }).click();
    await dialog.getByRole('combobox', { name: 'Host' }).fill('127.0.0.1');
    await dialog.getByRole('textbox', { name: 'Port', exact: true }).fill('0');
    await dialog.getByRole('textbox', { name: 'Upstream port', exact: true }).fill(String(upstream.port));
    await dialog.getByRole('checkbox', { name: 'Use TLS to the upstream' }).check();
    const back = dialog.getByRole('region', { name: 'TLS to the upstream' });
    await back.getByRole('checkbox', { name: "Verify the server's certificate and name" }).uncheck();
    await back.getByText(/^Verification is off/).waitFor();
    await dialog.getByRole('button', { name: 'Start relay', exact: true }).click();
    await dialog.waitFor({ state: 'detached' });

    // The header's badge is the warning, and names the leg that trusts blindly.
    const badge = page.locator('header').getByLabel(/^Certificate verification is off for this session: Verification is off/);
    await badge.waitFor();
    expect(await badge.textContent()).toBe('TLS: upstream, not verified');

    // A plain TCP client: the relay speaks TLS only upstream, to a server whose CA nothing here trusts.
    const client = await tcpPeerClient(await boundPort(page), h.cleanups);
    const upstreamLeg = page
      .getByRole('table', { name: 'Connections' })
      .getByRole('region', { name: 'TLS details of the upstream leg of c1' });
    await upstreamLeg.waitFor({ timeout: 15_000 });
    await expect
      .poll(() => upstreamLeg.textContent())
      .toMatch(/^Upstream leg: TLS TLSv1\.3, .* · peer not verified \(UNABLE_TO_VERIFY_LEAF_SIGNATURE\)/);
    client.socket.write('plain hello\n');
    await until(() => client.received().toString() === 'olleh nialp\n', 's_server answering through the relay', 15_000);
  });
});
