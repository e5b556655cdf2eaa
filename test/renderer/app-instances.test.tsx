/** Two apps on one page, each with the stores it made itself: what one does, the other never sees. */
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { App, APP_PARTS } from '@renderer/App';
import { createFakeBridge, sessionEvent, sessionInfo } from '../support/renderer/fake-bridge';

beforeAll(() => Promise.all(APP_PARTS.map((part) => part.preload())));
beforeEach(() => localStorage.clear());

function renderOne() {
  const fake = createFakeBridge();
  const { container } = render(<App bridge={fake.bridge} language="en" />);
  fake.emit(sessionEvent(sessionInfo({ id: 's1', kind: 'tcp-client' })));
  const app = within(container);
  const composer = within(app.getByRole('region', { name: 'Send' }));
  return { app, composer, payload: () => composer.getByRole('textbox', { name: 'Payload' }) };
}

describe('Two app instances', () => {
  it('share no send history, saved payloads, theme or log view', async () => {
    const user = userEvent.setup({ delay: null });
    const first = renderOne();
    const second = renderOne();

    await user.type(first.payload(), 'hello');
    await user.click(first.composer.getByRole('button', { name: 'Send' }));
    await user.click(first.composer.getByRole('button', { name: 'Save payload' }));
    const dialog = within(screen.getByRole('dialog', { name: 'Save payload' }));
    await user.type(dialog.getByRole('textbox', { name: 'Name' }), 'greeting');
    await user.click(dialog.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    await user.click(within(first.app.getByRole('group', { name: 'Theme' })).getByRole('button', { name: 'Dark' }));
    await user.click(within(first.app.getByRole('group', { name: 'Payload view' })).getByRole('button', { name: 'Hex' }));
    expect(first.composer.getByRole('button', { name: 'Saved payloads (1)' })).toBeInTheDocument();

    expect(second.composer.getByRole('button', { name: 'Saved payloads (0)' })).toBeInTheDocument();
    await user.click(second.payload());
    await user.keyboard('{ArrowUp}');
    expect(second.payload()).toHaveValue('');
    expect(within(second.app.getByRole('group', { name: 'Theme' })).getByRole('button', { name: 'System' })).toHaveAttribute(
      'aria-pressed',
      'true',
    );
    expect(within(second.app.getByRole('group', { name: 'Payload view' })).getByRole('button', { name: 'Text' })).toHaveAttribute(
      'aria-pressed',
      'true',
    );
  });
});
