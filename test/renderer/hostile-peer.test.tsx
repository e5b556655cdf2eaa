/**
 * Peer bytes are never markup, on the real engine: a real loopback peer sends every byte value,
 * invalid UTF-8, ANSI escapes (colours, cursor moves, OSC 8 links, window titles), bidi and
 * zero-width characters, and HTML/script text. In the text and hex views, in UTF-8 and Latin-1,
 * the log creates no element from them, runs nothing, shows every invisible character as a
 * visible escape, and counts exactly the bytes that came.
 */
import { screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { tcpPeerClient } from '../support/peers';
import { realEngine } from '../support/renderer/real-engine';
import { openSession } from '../support/renderer/open-session';
import { renderApp } from '../support/renderer/render-app';

declare global {
  interface Window {
    __pwned?: unknown;
  }
}

const engine = realEngine();
const { cleanups } = engine;

afterEach(() => {
  delete window.__pwned;
});

const utf8 = (text: string) => Buffer.from(text, 'utf8');
const HTML = [
  '<img src=x onerror=window.__pwned=1>',
  '<script>window.__pwned=1</script>',
  '<a href="javascript:window.__pwned=1">click</a>',
  '<iframe src="javascript:window.__pwned=1"></iframe>',
  '<svg onload=window.__pwned=1>',
  'javascript:window.__pwned=1',
];

/** What the peer sends, part by part, and escapes the text view must show for each (UTF-8). */
const PARTS: [string, Buffer, string[]][] = [
  [
    'every byte value',
    Buffer.from(Array.from({ length: 256 }, (_, n) => n)),
    ['\\0\\x01', '\\t\\n\\x0b\\x0c\\r', '\\x1b', ' !"#$%&', '\\x7f\\x80', '\\xff'],
  ],
  [
    'invalid UTF-8',
    Buffer.from([0xc0, 0x80, 0xed, 0xa0, 0x80, 0xf8, 0x88, 0x80, 0x80, 0x80, 0x80, 0xe2, 0x82, 0xff, 0xfe]),
    ['\\xc0\\x80\\xed\\xa0\\x80\\xf8\\x88\\x80\\x80\\x80\\x80\\xe2\\x82\\xff\\xfe'],
  ],
  ['ANSI colours and a screen clear', utf8('\x1b[31mRED\x1b[0m\x1b[2J\x1b[H'), ['\\x1b[31mRED\\x1b[0m\\x1b[2J\\x1b[H']],
  ['cursor moves', utf8('\x1b[10;10H\x1b[2A\x1b[5D\x1b7\x1b8\r'), ['\\x1b[10;10H\\x1b[2A\\x1b[5D\\x1b7\\x1b8\\r']],
  [
    'an OSC 8 hyperlink',
    utf8('\x1b]8;;https://evil.example/\x07click me\x1b]8;;\x07'),
    ['\\x1b]8;;https://evil.example/\\x07click me\\x1b]8;;\\x07'],
  ],
  ['window titles', utf8('\x1b]0;pwned title\x07\x1b]2;also pwned\x1b\\'), ['\\x1b]0;pwned title\\x07\\x1b]2;also pwned\\x1b\\\\']],
  [
    'bidi controls',
    utf8('\u202egnp.exe\u202c \u2066isolated\u2069 \u2067rtl\u2069 \u2068first\u2069 \u200f\u200e'),
    ['\\u202egnp.exe\\u202c', '\\u2066isolated\\u2069', '\\u2067rtl', '\\u2068first', '\\u200f\\u200e'],
  ],
  ['zero-width characters', utf8('a\u200bb\u200cc\u200dd\u2060e\ufefff\u00adg'), ['a\\u200bb\\u200cc\\u200dd\\u2060e\\ufefff\\u00adg']],
  ['HTML and script text', utf8(HTML.join('\n')), [HTML.join('\\n')]],
];
const TOTAL = PARTS.reduce((n, [, bytes]) => n + bytes.length, 0);

/** Controls, bidi and zero-width characters, soft hyphen, BOM, line separators: never shown raw. */
// eslint-disable-next-line no-control-regex -- these are exactly what must not reach the screen raw
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u00ad\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/u;

const logRegion = () => within(screen.getByRole('region', { name: 'Log' }));
const payloadsOf = (view: 'text' | 'hex') =>
  screen.queryAllByTestId('log-payload').filter((node) => node.getAttribute('data-view') === view);
const rxEntries = () => screen.queryAllByTestId('log-entry').filter((node) => node.getAttribute('data-dir') === 'rx');
const viewButton = (name: 'Text' | 'Hex' | 'Text + hex') =>
  within(logRegion().getByRole('group', { name: 'Payload view' })).getByRole('button', { name });

/** The bytes the log says each received entry holds, added up. */
const loggedBytes = () =>
  rxEntries()
    .map((entry) => within(entry).getByText(/^[\d,]+ B$/).textContent!)
    .reduce((sum, text) => sum + Number(text.replace(/[^\d]/g, '')), 0);

const dangerous = () =>
  document.querySelectorAll(
    'main img, main script, main a, main iframe, main svg[onload], main object, main embed, [onerror], [onload], [href^="javascript:"], [src^="javascript:"]',
  );

function expectNoMarkupFromPeer(before: { elements: number; title: string }): void {
  expect(dangerous().length, 'elements made from peer bytes').toBe(before.elements);
  expect(window.__pwned).toBeUndefined();
  expect(document.title).toBe(before.title);
  for (const node of screen.queryAllByTestId('log-payload')) expect(node.children, 'a payload holds text only').toHaveLength(0);
}

describe('hostile peer bytes on the real engine', () => {
  it('shows every byte value, escapes, bidi, zero-width and HTML as visible text in both views, and counts every byte', async () => {
    const { user } = renderApp(engine.local.bridge);
    await openSession(user, 'TCP server', '127.0.0.1', '0');
    const list = await screen.findByRole('list', { name: 'Open sessions' });
    const port = Number((await within(list).findAllByText(/^127\.0\.0\.1:[1-9]\d*$/))[0]!.textContent!.split(':')[1]);
    const before = { elements: dangerous().length, title: document.title };
    const peer = await tcpPeerClient(port, cleanups);

    // One part at a time, each shown before the next is sent, so each is its own entry.
    const textOf = (entries: HTMLElement[]) =>
      entries
        .flatMap((entry) => within(entry).queryAllByTestId('log-payload'))
        .map((node) => node.textContent ?? '')
        .join('');
    let sent = 0;
    for (const [name, bytes, escapes] of PARTS) {
      const shown = rxEntries().length;
      peer.socket.write(bytes);
      sent += bytes.length;
      await waitFor(() => expect(loggedBytes(), name).toBe(sent));
      const text = textOf(rxEntries().slice(shown));
      expect(text, name).not.toMatch(INVISIBLE);
      for (const escape of escapes) expect(text, `${name} shows ${escape}`).toContain(escape);
      expectNoMarkupFromPeer(before);
    }
    expect(loggedBytes()).toBe(TOTAL);
    expect(rxEntries().length).toBeGreaterThanOrEqual(PARTS.length);

    // Latin-1: bytes 0x80–0xff become characters, C1 controls and the odd spaces stay escaped.
    await user.click(screen.getByRole('button', { name: 'Log settings' }));
    await user.click(screen.getByRole('combobox', { name: 'Text encoding' }));
    await user.click(within(screen.getByRole('listbox')).getByRole('option', { name: 'Latin-1' }));
    const latin1 = textOf(rxEntries());
    expect(latin1).not.toMatch(INVISIBLE);
    expect(latin1).toContain('\\x80\\x81');
    expect(latin1).toContain('\\x9f\\xa0¡¢');
    expect(latin1).toContain('\\xad®');
    expect(latin1).toContain('ÿ');
    expectNoMarkupFromPeer(before);

    // Hex view: the dump and its ASCII column, nothing else.
    await user.click(viewButton('Hex'));
    expect(payloadsOf('text')).toHaveLength(0);
    const hexLines = payloadsOf('hex').flatMap((node) => (node.textContent ?? '').split('\n'));
    for (const line of hexLines) expect(line).not.toMatch(INVISIBLE);
    expect(hexLines).toContain('00000000  00 01 02 03 04 05 06 07  08 09 0a 0b 0c 0d 0e 0f  |................|');
    expect(hexLines.join('\n')).toContain('3c 69 6d 67 20 73 72 63');
    expectNoMarkupFromPeer(before);

    await user.click(viewButton('Text + hex'));
    expect(payloadsOf('text').length).toBe(payloadsOf('hex').length);
    expect(textOf(rxEntries())).toContain(HTML[0]);
    expectNoMarkupFromPeer(before);
    expect(loggedBytes()).toBe(TOTAL);

    // The connection's counters agree with the log.
    const table = screen.getByRole('table', { name: 'Connections' });
    await waitFor(() => expect(within(table).getByRole('row', { name: /c1/ })).toHaveTextContent(String(TOTAL)));
    // Every byte value through a real engine and a whole-app render, twice: slow on a loaded machine.
  }, 60_000);
});
