import { describe, expect, it } from 'vitest';
import { english, formatTemplate, listed, phrase, placeholders, renderPhrase, type PhraseStyle } from '@shared/phrase';
import { PHRASES_EN } from '@shared/phrases-en';
import { hintFor } from '@shared/errors';
import { dispatch } from '@shared/dispatch';
import { argSchemas } from '@shared/contract';
import { issuePhrase } from '@shared/validate';
import { phrasesZhCN } from '@renderer/i18n/phrases-zh-CN';
import { socketError } from '@engine/socket-errors';
import { SessionManager } from '@engine/session-manager';

const zh: PhraseStyle = { locale: 'zh-CN', sentenceGap: '', lookup: (key) => (phrasesZhCN as Record<string, string>)[key] };

describe('phrase templates', () => {
  it('fills values in, groups numbers, and keeps a placeholder whose value is missing', () => {
    const style: PhraseStyle = { locale: 'en', sentenceGap: ' ', lookup: () => undefined };
    expect(formatTemplate('{a} and {b}', { a: 'x', b: 12345 }, style)).toBe('x and 12,345');
    expect(formatTemplate('{a} and {b}', { a: 'x' }, style)).toBe('x and {b}');
    expect(formatTemplate('{"json": 1}', {}, style)).toBe('{"json": 1}');
  });

  it('picks plural forms with Intl.PluralRules, # being the number', () => {
    const en: PhraseStyle = { locale: 'en', sentenceGap: ' ', lookup: () => undefined };
    const template = 'Sent {n, plural, =0 {nothing} one {# chunk} other {# chunks}} to {who}';
    expect(formatTemplate(template, { n: 0, who: 'a' }, en)).toBe('Sent nothing to a');
    expect(formatTemplate(template, { n: 1, who: 'a' }, en)).toBe('Sent 1 chunk to a');
    expect(formatTemplate(template, { n: 2000, who: 'a' }, en)).toBe('Sent 2,000 chunks to a');
    expect(formatTemplate('{n, plural, other {# 个数据块}}', { n: 1 }, zh)).toBe('1 个数据块');
  });

  it('renders phrases inside phrases, and lists, in the same language', () => {
    const said = phrase('tcp.closed', { connId: 'c1', time: '12:00:00.000', why: phrase('why.peerFin') });
    expect(english(said)).toBe('Connection c1 closed at 12:00:00.000 (the peer sent FIN).');
    expect(renderPhrase(said, zh)).toBe('连接 c1 于 12:00:00.000 关闭（对端发送了 FIN）。');
    const list = listed([phrase('verbatim', { text: 'a' }), phrase('verbatim', { text: 'b' }), phrase('verbatim', { text: 'c' })]);
    expect(english(list)).toBe('a, b, c');
    expect(renderPhrase(list, zh)).toBe('a、b、c');
  });
});

describe('the catalogs', () => {
  it('has a Chinese template for every English one, asking for the same values', () => {
    expect(Object.keys(phrasesZhCN).sort()).toEqual(Object.keys(PHRASES_EN).sort());
    for (const [key, template] of Object.entries(PHRASES_EN)) {
      const chinese = (phrasesZhCN as Record<string, string>)[key]!;
      // Zod's own words are English only: Chinese says the same from the issue's other fields.
      if (template === '{message}') continue;
      expect(placeholders(chinese), key).toEqual(placeholders(template));
    }
  });

  it('gives engine errors a Chinese message and hint with no English sentence left', () => {
    const error = socketError(Object.assign(new Error('x'), { code: 'EADDRINUSE' }), 'listen', { address: '127.0.0.1', port: 80 });
    expect(error.message).toBe('Listening on 127.0.0.1:80 failed: the address is already in use (EADDRINUSE).');
    expect(renderPhrase(error.i18n.message, zh)).toBe('监听 127.0.0.1:80 失败：地址已被占用（EADDRINUSE）。');
    expect(renderPhrase(error.i18n.hint, zh)).not.toMatch(/[A-Za-z]{4,} [a-z]{3,}/);
    expect(renderPhrase(hintFor('EADDRINUSE', 'join'), zh)).toContain('已在这个网卡上加入');
  });

  it('says what a schema refuses in both languages, English exactly as scripts read it', async () => {
    const manager = new SessionManager({ onBatch: () => undefined });
    const result = await dispatch(manager, 'open', { config: { kind: 'tcp-client', host: '127.0.0.1', port: 0 } });
    await manager.dispose();
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.message).toBe('Invalid arguments for open: config.port: Port 0 cannot be connected or sent to: use 1–65535.');
    expect(renderPhrase(result.error.i18n.message, zh)).toBe('open 的参数无效：config.port：端口 0 不能用于连接或发送：请使用 1–65535。');
    const bounded = argSchemas.open.safeParse({ config: { kind: 'tcp-client', host: '::1', port: 1, connectTimeoutMs: 0 } });
    expect(bounded.success).toBe(false);
    if (bounded.success) return;
    const said = issuePhrase(bounded.error.issues[0]!);
    expect(english(said)).toBe('Connect timeout must be at least 1.');
    expect(renderPhrase(said, zh)).toBe('连接超时至少为 1。');
  });
});
