/**
 * The automation panel in real Chromium against the engine in browser mode: a rule is written,
 * refused while its regex is broken, tried on a typed message, enabled and applied; a Node client
 * then gets the rule's reply byte for byte, the panel counts the hit, the log names the rule, and
 * the sidebar shows automation on and, once liveness marks the quiet client, stale.
 */
import { describe, expect, it } from 'vitest';
import { tcpPeerClient } from '../support/peers';
import { boundPort, e2eHarness, openSession, screenshot } from '../support/chromium';

const h = e2eHarness();

describe('the automation panel', () => {
  it('writes, tests, enables and applies a PING → PONG rule, and shows what it did', async () => {
    const page = await h.app();
    await page.setViewportSize({ width: 1280, height: 800 });
    await openSession(page, 'TCP server', '127.0.0.1', 0);
    const port = await boundPort(page);

    const panel = page.getByRole('region', { name: 'Automation' });
    const toggle = panel.getByRole('button', { name: /^(Expand|Collapse) Automation$/ });
    await expect.poll(() => panel.getByText('No rules, heartbeat or liveness').count()).toBe(1);
    // Keyboard first: the panel opens from its button with Enter.
    await toggle.focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => toggle.getAttribute('aria-expanded')).toBe('true');

    await panel.getByRole('combobox', { name: 'Match on' }).first().click();
    await page.getByRole('option', { name: 'Messages ending in a delimiter' }).click();
    await panel.getByRole('button', { name: 'Add rule' }).click();
    const editor = panel.getByRole('region', { name: 'Rule', exact: true });
    await editor.getByRole('textbox', { name: 'Name' }).fill('PING');
    await editor.getByRole('combobox', { name: 'How' }).click();
    await page.getByRole('option', { name: 'Regular expression' }).click();
    const pattern = editor.getByRole('textbox', { name: 'Pattern' });
    await pattern.fill('^PING (?<n>\\d+$');
    await expect.poll(() => editor.getByText(/^Pattern: The regular expression is not valid/).count()).toBe(1);
    expect(await editor.getByRole('button', { name: 'Keep rule' }).isDisabled()).toBe(true);
    await pattern.fill('^PING (?<n>\\d+)$');
    await editor.getByRole('textbox', { name: 'Reply', exact: true }).fill('PONG {{$n}}\\n');

    const trial = editor.getByRole('region', { name: 'Test the rule' });
    await trial.getByRole('textbox', { name: 'Message to test' }).fill('PING 42');
    await trial.getByRole('button', { name: 'Test', exact: true }).click();
    await expect.poll(() => trial.getByRole('status').textContent()).toContain('Match. The rule would reply 8 bytes:');
    expect(await trial.getByTestId('rule-test-reply').textContent()).toBe('PONG 42\\n');
    await trial.getByRole('textbox', { name: 'Message to test' }).fill('PONG 1');
    await trial.getByRole('button', { name: 'Test', exact: true }).click();
    await expect.poll(() => trial.getByRole('status').textContent()).toContain('No match');

    await editor.getByRole('button', { name: 'Keep rule' }).click();
    await panel.getByRole('checkbox', { name: 'Rule PING enabled' }).check();
    await panel.getByRole('button', { name: 'Apply' }).click();
    await expect.poll(() => panel.getByRole('status').last().textContent()).toBe('Applied: the engine runs these settings now.');
    await expect.poll(() => page.getByRole('list', { name: 'Open sessions' }).getByText('Automation on').count()).toBe(1);

    const client = await tcpPeerClient(port, h.cleanups);
    client.socket.write('PING 7\nPING 8\n');
    await expect.poll(() => client.received().toString(), { timeout: 10_000 }).toBe('PONG 7\nPONG 8\n');
    await expect.poll(() => panel.getByTestId('rule-stats-r1').textContent()).toMatch(/^2 hits · 2 replies · 0 held back/);
    await expect.poll(() => page.getByTestId('log-origin').first().textContent()).toBe('auto-reply: PING');
    await screenshot(page, 'automation-panel-1280x800');

    // Liveness: the quiet client is marked stale in the sidebar and the connection table.
    await panel.getByRole('switch', { name: 'Watch for silence' }).check();
    await panel.getByRole('textbox', { name: 'No data for (ms)' }).fill('300');
    await panel.getByRole('button', { name: 'Apply' }).click();
    const sidebar = page.getByRole('list', { name: 'Open sessions' });
    await expect.poll(() => sidebar.getByText('Stale', { exact: true }).count(), { timeout: 10_000 }).toBe(1);
    expect(await sidebar.locator('[title^="Stale: nothing received since"]').count()).toBe(1);
    // Folded again, as a user does once the rules are set: the sections it took room from open again.
    await toggle.click();
    await expect
      .poll(() =>
        page
          .getByRole('table', { name: 'Connections' })
          .getByText(/Stale: nothing received since/)
          .count(),
      )
      .toBe(1);
    client.socket.write('PING 9\n');
    await expect.poll(() => sidebar.getByText('Stale', { exact: true }).count(), { timeout: 10_000 }).toBe(0);
    await expect.poll(() => client.received().toString()).toBe('PONG 7\nPONG 8\nPONG 9\n');
    // The log tells the same story in its lifecycle rows: stale, then live again.
    const events = page.locator('[data-testid="log-event"][data-kind="stale"]');
    await expect
      .poll(() => events.allTextContents())
      .toEqual([expect.stringContaining('Stale: nothing received for 300 ms'), expect.stringContaining('Live again: data arrived')]);
    expect(await events.first().getAttribute('data-tone')).toBe('warning');

    // A message picked in the log is tried on the rules: the folded panel opens on the rule with
    // it as the trial message, tried at once (the raw chunk keeps its LF, so the anchored regex says no).
    const picked = page.locator('[data-testid="log-entry"][data-dir="rx"]').filter({ hasText: 'PING 9' });
    await picked.getByRole('button', { name: 'Entry actions' }).click();
    await page.getByRole('menuitem', { name: 'Try the auto-reply rules on it' }).click();
    await expect.poll(() => toggle.getAttribute('aria-expanded')).toBe('true');
    const trying = panel.getByRole('region', { name: 'Rule', exact: true });
    expect(await trying.getByRole('textbox', { name: 'Name' }).inputValue()).toBe('PING');
    expect(await trying.getByRole('textbox', { name: 'Message to test' }).inputValue()).toBe('PING 9\\n');
    await expect.poll(() => trying.getByText('No match: the rule would not answer this message.').count()).toBe(1);
    await trying.getByRole('textbox', { name: 'Message to test' }).fill('PING 9');
    await trying.getByRole('button', { name: 'Test', exact: true }).click();
    await expect.poll(() => trying.getByTestId('rule-test-reply').textContent()).toBe('PONG 9\\n');
  });
});
