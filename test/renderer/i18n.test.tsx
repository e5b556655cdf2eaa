import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { en } from '@renderer/i18n/en';
import { detectLanguage, translator } from '@renderer/i18n/languages';
import { zhCN } from '@renderer/i18n/zh-CN';
import { createFakeBridge } from '../support/renderer/fake-bridge';
import { renderApp } from '../support/renderer/render-app';

describe('translations', () => {
  it('has exactly the English keys in Chinese, none empty', () => {
    expect(Object.keys(zhCN).sort()).toEqual(Object.keys(en).sort());
    for (const value of Object.values(zhCN)) expect(value.trim()).not.toBe('');
  });

  it('keeps every placeholder of the English text', () => {
    const names = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const key of Object.keys(en) as (keyof typeof en)[]) expect(names(zhCN[key]), key).toEqual(names(en[key]));
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

  it('starts in Chinese when asked to', () => {
    renderApp(createFakeBridge().bridge, 'zh-CN');
    expect(screen.getByRole('button', { name: '新建会话' })).toBeInTheDocument();
    expect(document.documentElement.lang).toBe('zh-CN');
  });
});
