/** Theme and language are part of the workspace: chosen once, kept across launches. */
import { screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { WORKSPACE_STORAGE_KEY } from '@renderer/workspace/workspace-store';
import { createFakeBridge } from '../support/renderer/fake-bridge';
import { renderAppWith } from '../support/renderer/render-app';

beforeEach(() => localStorage.clear());
afterEach(() => vi.restoreAllMocks());

const themeButton = (name: string) => within(screen.getByRole('group', { name: /^(Theme|主题)$/ })).getByRole('button', { name });

describe('view preferences', () => {
  it('follows the OS language until one is picked, then starts in the picked one', async () => {
    vi.spyOn(navigator, 'languages', 'get').mockReturnValue(['zh-CN', 'en']);
    const first = renderAppWith(createFakeBridge().bridge, { language: 'os' });
    expect(screen.getByRole('button', { name: '新建会话' })).toBeInTheDocument();
    await first.user.click(screen.getByRole('combobox', { name: '语言' }));
    await first.user.click(screen.getByRole('option', { name: 'English' }));
    expect(screen.getByRole('button', { name: 'New session' })).toBeInTheDocument();
    first.unmount();

    renderAppWith(createFakeBridge().bridge, { language: 'os' });
    expect(screen.getByRole('button', { name: 'New session' })).toBeInTheDocument();
    expect(document.documentElement.lang).toBe('en');
  });

  it('keeps the theme choice, system by default, across a re-mount', async () => {
    const first = renderAppWith(createFakeBridge().bridge);
    expect(themeButton('System')).toHaveAttribute('aria-pressed', 'true');
    const lightBody = getComputedStyle(document.body).backgroundColor;
    await first.user.click(themeButton('Dark'));
    expect(themeButton('Dark')).toHaveAttribute('aria-pressed', 'true');
    const darkBody = getComputedStyle(document.body).backgroundColor;
    expect(darkBody).not.toBe(lightBody);
    expect((JSON.parse(localStorage.getItem(WORKSPACE_STORAGE_KEY)!) as { state: { theme: string } }).state.theme).toBe('dark');
    first.unmount();

    renderAppWith(createFakeBridge().bridge);
    expect(themeButton('Dark')).toHaveAttribute('aria-pressed', 'true');
    expect(getComputedStyle(document.body).backgroundColor).toBe(darkBody);
  });

  it('ignores a stored workspace someone edited into nonsense', () => {
    localStorage.setItem(
      WORKSPACE_STORAGE_KEY,
      JSON.stringify({
        state: {
          theme: 'purple',
          language: 'xx',
          savedSessions: [{ id: 'a', name: 'ok', config: { kind: 'udp', host: '1.2.3.256', port: 1 } }],
          recentEndpoints: 'no',
        },
        version: 1,
      }),
    );
    renderAppWith(createFakeBridge().bridge, { language: 'os' });
    expect(themeButton('System')).toHaveAttribute('aria-pressed', 'true');
    expect(screen.getByRole('button', { name: 'New session' })).toBeInTheDocument();
    expect(screen.queryByRole('list', { name: 'Saved sessions' })).not.toBeInTheDocument();
  });
});
