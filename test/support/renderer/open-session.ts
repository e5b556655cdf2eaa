import { fireEvent, screen, within } from '@testing-library/react';
import type { UserEvent } from '@testing-library/user-event';

export type KindName = 'TCP server' | 'TCP client' | 'UDP' | 'Relay';
export const SUBMIT: Record<KindName, string> = { 'TCP server': 'Listen', 'TCP client': 'Connect', UDP: 'Bind', Relay: 'Start relay' };

/** The open new-session dialog, to look inside. */
export function dialog() {
  return within(screen.getByRole('dialog', { name: 'New session' }));
}

/** Opens the new-session dialog from the sidebar and answers the dialog's scope. */
export async function openDialog(user: UserEvent) {
  await user.click(screen.getByRole('button', { name: 'New session' }));
  return within(await screen.findByRole('dialog', { name: 'New session' }));
}

/**
 * Replaces a field's text in one change event: key-by-key typing re-renders the whole dialog per
 * key and makes these tests slow without testing anything more.
 */
export async function retype(user: UserEvent, field: HTMLElement, text: string) {
  await user.click(field);
  fireEvent.change(field, { target: { value: text } });
}

/** Unfold the dialog's advanced options, folded until asked for. */
export async function showOptions(user: UserEvent) {
  const toggle = dialog().getByRole('button', { name: /^Advanced options/ });
  if (toggle.getAttribute('aria-expanded') !== 'true') await user.click(toggle);
}

/** Fill kind, host and port in an open dialog, and unfold its options for the test to set. */
export async function fillEndpoint(user: UserEvent, kind: KindName, host: string, port: string) {
  const d = dialog();
  await user.click(d.getByRole('button', { name: kind }));
  if (d.queryByRole('button', { name: /^Advanced options/ })) await showOptions(user);
  await retype(user, d.getByRole('combobox', { name: 'Host' }), host);
  await retype(user, d.getByRole('textbox', { name: 'Port' }), port);
}

/** Opens a session through the dialog as a user would: New session, kind, host, port, submit. */
export async function openSession(user: UserEvent, kind: KindName, host: string, port: string) {
  await openDialog(user);
  await fillEndpoint(user, kind, host, port);
  await user.click(dialog().getByRole('button', { name: SUBMIT[kind] }));
}
