import { fireEvent, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { placeholders } from '@shared/phrase';
import { en } from '@renderer/i18n/en';
import { detectLanguage, translator } from '@renderer/i18n/languages';
import { zhCN } from '@renderer/i18n/zh-CN';
import { createFakeBridge, sessionEvent, sessionInfo } from '../support/renderer/fake-bridge';
import { renderApp } from '../support/renderer/render-app';

describe('translations', () => {
  it('has exactly the English keys in Chinese, none empty', () => {
    expect(Object.keys(zhCN).sort()).toEqual(Object.keys(en).sort());
    for (const value of Object.values(zhCN)) expect(value.trim()).not.toBe('');
  });

  it('keeps every placeholder of the English text', () => {
    for (const key of Object.keys(en) as (keyof typeof en)[]) expect(placeholders(zhCN[key]), key).toEqual(placeholders(en[key]));
  });

  it('picks the language from the browser', () => {
    expect(detectLanguage(['zh-CN'])).toBe('zh-CN');
    expect(detectLanguage(['zh-TW', 'en'])).toBe('zh-CN');
    expect(detectLanguage(['fr-FR', 'en-GB'])).toBe('en');
    expect(detectLanguage(['de'])).toBe('en');
    expect(detectLanguage([])).toBe('en');
  });

  it('fills in values and leaves unknown placeholders alone', () => {
    const t = translator('en');
    expect(t('log.count', { count: 12345 })).toBe('Entries: 12,345');
    expect(t('log.count')).toBe('Entries: {count}');
  });

  it('says plurals as each language does', () => {
    const en = translator('en');
    expect(en('composer.sent', { bytes: 4, targets: 1 })).toBe('Sent 4 B to 1 target.');
    expect(en('composer.sent', { bytes: 4, targets: 2 })).toBe('Sent 4 B to 2 targets.');
    expect(en('counters.label', { rxBytes: 1, rxMessages: 1, txBytes: 2000, txMessages: 2 })).toBe(
      'Received 1 bytes in 1 chunk, sent 2,000 bytes in 2 chunks',
    );
    expect(translator('zh-CN')('composer.repeat.finished', { sent: 1 })).not.toMatch(/[A-Za-z]/);
  });

  it('starts in Chinese when asked to', () => {
    renderApp(createFakeBridge().bridge, 'zh-CN');
    expect(screen.getByRole('button', { name: '新建会话' })).toBeInTheDocument();
    expect(document.documentElement.lang).toBe('zh-CN');
  });
});

describe('payload problems in Chinese', () => {
  it('says a macro problem under the payload in Chinese, with its position', async () => {
    const fake = createFakeBridge();
    const { user } = renderApp(fake.bridge, 'zh-CN');
    fake.emit(sessionEvent(sessionInfo({ id: 's1', kind: 'tcp-client' })));
    const payload = within(screen.getByRole('region', { name: '发送' })).getByRole('textbox', { name: '负载' });
    await user.click(payload);
    fireEvent.change(payload, { target: { value: 'ab {{counter width=99}}' } });
    expect(payload).toHaveAccessibleDescription('位置 3 的 {{counter width=99}}：width=99 超出 0 到 16 的范围');
    expect(screen.getByTestId('payload-problem-at')).toHaveTextContent('{');
  });
});
