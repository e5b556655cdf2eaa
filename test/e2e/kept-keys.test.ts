/**
 * A saved TLS session whose key main cannot keep, in real Chromium against browser mode: the
 * server's key folder sits under a plain file, so the key store's own write truly fails. The
 * page says so under the top bar — which saved session, main's reason naming the folder, what to
 * do — again after a reload (the keep is asked once the page's socket is open), in 简体中文 too,
 * and once the folder can be made, Try again keeps the key and the notice goes.
 */
import { readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { e2eHarness, screenshot, WINDOW_SIZES } from '../support/chromium';
import { tempDir } from '../support/temp-dir';

const h = e2eHarness();

describe('a saved session’s key that main cannot keep', () => {
  it('says which session, why and what to do, after a reload too, and keeps the key on Try again once the folder can be written', async () => {
    const blocker = path.join(await tempDir(), 'not-a-folder');
    await writeFile(blocker, 'a file where the configuration folder should be');
    const keyFolder = path.join(blocker, 'keys');
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
    await dialog.getByRole('checkbox', { name: 'Save in workspace' }).check();
    await dialog.getByRole('textbox', { name: 'Name in workspace' }).fill('payments gateway');
    await dialog.getByRole('button', { name: 'Listen', exact: true }).click();
    await dialog.waitFor({ state: 'detached' });

    const notice = page.getByRole('alert').filter({ hasText: 'Could not keep the private key of the saved session payments gateway' });
    await notice.waitFor({ timeout: 10_000 });
    const said = await notice.textContent();
    expect(said).toContain(`the folder ${keyFolder} could not be written (ENOTDIR`);
    expect(said).toContain('What to do: Free disk space or make the folder named above writable, then save the session again');
    for (const viewport of [...WINDOW_SIZES, { width: 1920, height: 1080 }]) {
      await page.setViewportSize(viewport);
      await screenshot(page, `kept-keys-refused-${viewport.width}`);
    }
    await page.setViewportSize({ width: 1280, height: 800 });

    // Each start asks again, once the page's socket is open: still refused, still said.
    await page.reload();
    await page.getByRole('heading', { name: 'Socket Inspector' }).waitFor();
    await notice.waitFor({ timeout: 10_000 });

    await page.getByRole('combobox', { name: 'Language' }).click();
    await page.getByRole('option', { name: '简体中文' }).click();
    const inChinese = page.getByRole('alert').filter({ hasText: '未能保留已保存的会话 payments gateway 的私钥' });
    await inChinese.waitFor();
    expect(await inChinese.textContent()).toContain(`无法写入文件夹 ${keyFolder}（ENOTDIR`);
    expect(await inChinese.textContent()).toContain('请释放磁盘空间');
    await screenshot(page, 'kept-keys-refused-zh');
    await page.getByRole('combobox', { name: '语言' }).click();
    await page.getByRole('option', { name: 'English' }).click();

    // The user makes room for the folder, then asks again from the notice.
    await rm(blocker);
    await notice.getByRole('button', { name: 'Try again' }).click();
    await notice.waitFor({ state: 'detached', timeout: 10_000 });
    const sessions = await h.server!.manager.list({});
    const config = sessions.ok ? sessions.value[0]!.config : undefined;
    const keyRef = config?.kind === 'tcp-server' ? config.tls?.keyRef : undefined;
    expect(keyRef).toMatch(/^key-[0-9a-f]{32}$/);
    expect(await readdir(keyFolder)).toEqual([`${keyRef}.json`]);
  });
});
