/**
 * The sequence step editor on a scripted bridge: a repeat block built, emptied and refilled with
 * the buttons alone, each problem under its field; test/e2e/protocol-tools.test.ts runs one.
 */
import { screen, waitFor, within } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import { createFakeBridge, sessionEvent, sessionInfo } from '../support/renderer/fake-bridge';
import { retype } from '../support/renderer/open-session';
import { renderApp } from '../support/renderer/render-app';

beforeEach(() => localStorage.clear());

describe('sequence step editor', () => {
  // Many MUI fields re-render per edit in jsdom: about 25 s on a busy machine, hence its own timeout.
  it('builds a repeat block with buttons, says each problem where it is, and saves what the schema reads', async () => {
    const fake = createFakeBridge();
    const { user } = renderApp(fake.bridge);
    fake.emit(sessionEvent(sessionInfo({ id: 's1', kind: 'tcp-client' })));
    await user.click(within(screen.getByRole('region', { name: 'Send' })).getByRole('button', { name: 'Sequences' }));
    await user.click(within(await screen.findByRole('dialog', { name: 'Sequences' })).getByRole('button', { name: 'New' }));
    const editor = within(await screen.findByRole('dialog', { name: 'Edit sequence' }));
    const step = (number: string) => within(editor.getByRole('group', { name: `Step ${number}` }));
    const save = editor.getByRole('button', { name: 'Save' });

    // Step 2 (the example's expect) becomes a repeat: its block starts with one send step.
    await user.click(step('2').getByRole('combobox', { name: 'Step 2' }));
    await user.click(screen.getByRole('option', { name: 'Repeat a block' }));
    const times = step('2').getByRole('textbox', { name: 'Times' });
    await retype(user, times, '0');
    expect(times).toHaveAccessibleDescription('Repeat times must be at least 1.');
    expect(save).toBeDisabled();
    await retype(user, times, '3');
    expect(times).not.toHaveAccessibleDescription();

    // The block's own step: a macro problem shows under its payload.
    const payload = step('2.1').getByRole('textbox', { name: 'Payload' });
    await retype(user, payload, 'ping {{counter width=x}}');
    expect(payload).toHaveAccessibleDescription(/^\{\{counter width=x\}\} at position 5: width=x is not a whole number/);
    await retype(user, payload, 'ping {{counter}}');
    expect(payload).not.toHaveAccessibleDescription();

    // Emptied, the block's problem belongs to no field and is listed below the steps.
    step('2.1').getByRole('button', { name: 'Remove step 2.1' }).focus();
    await user.keyboard('{Enter}');
    expect(editor.getByText('A repeat block holds at least one step.')).toBeInTheDocument();
    expect(save).toBeDisabled();
    await user.click(step('2').getByRole('button', { name: 'Add step to block 2' }));
    await retype(user, step('2.1').getByRole('textbox', { name: 'Payload' }), 'again');
    await user.click(step('2').getByRole('button', { name: 'Move step 2 up' }));
    expect(step('1').getByRole('textbox', { name: 'Times' })).toHaveValue('3');
    await user.click(save);

    await user.click(within(screen.getByRole('dialog', { name: 'Sequences' })).getByRole('button', { name: 'Run' }));
    await waitFor(() => expect(fake.spies.sequence).toHaveBeenCalled());
    const { sequence } = fake.spies.sequence.mock.lastCall![0] as { sequence: { steps: unknown[] } };
    expect(sequence.steps).toMatchObject([
      { kind: 'repeat', times: 3, steps: [{ kind: 'send', payload: { format: 'text', value: 'again' } }] },
      { kind: 'send', name: 'ask', payload: { format: 'hex', value: '01 03 00 00 00 02', checksum: { algorithm: 'crc16-modbus' } } },
    ]);
  }, 60_000);
});
