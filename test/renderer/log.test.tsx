import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { VirtuosoMockContext } from 'react-virtuoso';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { InspectorEvent } from '@shared/contract';
import { App } from '@renderer/App';
import { formatClock } from '@renderer/format';
import { MAX_ROW_PREVIEW_BYTES } from '@renderer/limits';
import { createInspectorStore, DEFAULT_LIMITS, type InspectorStore } from '@renderer/store/inspector-store';
import { LOG_PREFS_STORAGE_KEY } from '@renderer/store/log-prefs';
import { createFakeBridge, dataEvent, sessionEvent, sessionInfo } from '../support/renderer/fake-bridge';
import { renderApp } from '../support/renderer/render-app';

const T0 = Date.UTC(2025, 0, 1, 12, 0, 0, 42);

function setup(...events: InspectorEvent[]) {
  const fake = createFakeBridge();
  const app = renderApp(fake.bridge);
  fake.emit(sessionEvent(sessionInfo({ id: 's1' })), ...events);
  return { fake, ...app, ...panel() };
}

/** The app on a store the test made, for limits and counts a real session would take long to reach. */
function setupWithStore(store: InspectorStore, viewportHeight = 4000) {
  const fake = createFakeBridge();
  const user = userEvent.setup({ delay: null });
  render(
    <VirtuosoMockContext.Provider value={{ viewportHeight, itemHeight: 40 }}>
      <App bridge={fake.bridge} language="en" store={store} />
    </VirtuosoMockContext.Provider>,
  );
  fake.emit(sessionEvent(sessionInfo({ id: 's1' })));
  return { fake, user, ...panel() };
}

function panel() {
  const log = within(screen.getByRole('region', { name: 'Log' }));
  const viewButton = (name: 'Text' | 'Hex' | 'Text + hex') =>
    within(log.getByRole('group', { name: 'Payload view' })).getByRole('button', { name });
  return { log, viewButton };
}

const at = (ms: number, event: InspectorEvent): InspectorEvent => ({ ...event, at: ms }) as InspectorEvent;
const entries = () => within(screen.getByRole('list', { name: 'Traffic log' })).getAllByRole('listitem');
const payloads = () => screen.getAllByTestId('log-payload').map((node) => node.textContent);
const rowPayloads = (row: HTMLElement) =>
  within(row)
    .getAllByTestId('log-payload')
    .map((node) => [node.dataset.view, node.textContent]);
const bytes = (...values: number[]) => Uint8Array.from(values);

/** The toolbar popover each rarer control lives in: opened if the control is not in sight yet. */
const HOLDERS: Record<string, string> = {
  'Text encoding': 'Log settings',
  Framing: 'Log settings',
  'Byte order': 'Log settings',
  'Length field': 'Log settings',
  Direction: 'Filters',
  Connection: 'Filters',
};

async function reveal(user: ReturnType<typeof userEvent.setup>, holder: string) {
  const button = screen.getByRole('button', { name: holder });
  if (button.getAttribute('aria-expanded') !== 'true') await user.click(button);
}

async function choose(user: ReturnType<typeof userEvent.setup>, label: string, option: string) {
  const holder = HOLDERS[label];
  if (holder && !screen.queryByRole('combobox', { name: label })) await reveal(user, holder);
  await user.click(screen.getByRole('combobox', { name: label }));
  await user.click(within(screen.getByRole('listbox')).getByRole('option', { name: option }));
}

beforeEach(() => localStorage.clear());

afterEach(() => {
  vi.useRealTimers();
});

describe('Log', () => {
  it('shows each chunk with time, direction, connection, length and escaped text', () => {
    const { log } = setup(dataEvent('s1', 'rx', 'hello\r\n'), dataEvent('s1', 'tx', new Uint8Array([0x00, 0xff, 0x41]), 'c2'));
    const [rx, tx] = entries();
    expect(rx).toHaveTextContent(/\d\d:\d\d:\d\d\.042/);
    expect(rx).toHaveTextContent('↓');
    expect(rx).toHaveTextContent('received');
    expect(rx).toHaveTextContent('c1');
    expect(rx).toHaveTextContent('7 B');
    expect(tx).toHaveTextContent('↑');
    expect(tx).toHaveTextContent('sent');
    expect(tx).toHaveTextContent('c2');
    expect(payloads()).toEqual(['hello\\r\\n', '\\0\\xffA']);
    expect(log.getByText('Entries: 2')).toBeInTheDocument();
  });

  it('shows the time with milliseconds and the delta from the previous entry', () => {
    setup(at(T0, dataEvent('s1', 'rx', 'a')), at(T0 + 12, dataEvent('s1', 'tx', 'b')), at(T0 + 2512, dataEvent('s1', 'rx', 'c')));
    const rows = entries();
    expect(within(rows[0]!).getByTestId('log-time')).toHaveTextContent(formatClock(T0));
    expect(within(rows[0]!).getByTestId('log-delta')).toHaveTextContent(/^$/);
    expect(within(rows[1]!).getByTestId('log-time')).toHaveTextContent(formatClock(T0 + 12));
    expect(within(rows[1]!).getByTestId('log-delta')).toHaveTextContent('+12.000 ms');
    expect(within(rows[2]!).getByTestId('log-delta')).toHaveTextContent('+2.500 s');
  });

  it('switches every row between text, hex dump and both, and remembers the choice', async () => {
    const { user, viewButton } = setup(dataEvent('s1', 'rx', 'hello\r\n'), dataEvent('s1', 'rx', 'ABCDEFGHIJKLMNOPQ'));
    expect(viewButton('Text')).toHaveAttribute('aria-pressed', 'true');
    await user.click(viewButton('Hex'));
    expect(viewButton('Hex')).toHaveAttribute('aria-pressed', 'true');
    expect(payloads()).toEqual([
      '00000000  68 65 6c 6c 6f 0d 0a                              |hello..|',
      '00000000  41 42 43 44 45 46 47 48  49 4a 4b 4c 4d 4e 4f 50  |ABCDEFGHIJKLMNOP|\n' +
        '00000010  51                                                |Q|',
    ]);
    await user.click(viewButton('Text + hex'));
    expect(rowPayloads(entries()[0]!)).toEqual([
      ['text', 'hello\\r\\n'],
      ['hex', '00000000  68 65 6c 6c 6f 0d 0a                              |hello..|'],
    ]);
    expect(JSON.parse(localStorage.getItem(LOG_PREFS_STORAGE_KEY)!)).toMatchObject({ logView: 'both' });
    await user.click(viewButton('Text'));
    expect(payloads()).toEqual(['hello\\r\\n', 'ABCDEFGHIJKLMNOPQ']);
  });

  it('lets one entry show differently from the rest, until set back', async () => {
    const { user, viewButton } = setup(dataEvent('s1', 'rx', 'one'), dataEvent('s1', 'rx', 'two'));
    await user.click(within(entries()[1]!).getByRole('button', { name: 'Entry actions' }));
    await user.click(screen.getByRole('menuitem', { name: 'Show as hex' }));
    expect(rowPayloads(entries()[0]!)).toEqual([['text', 'one']]);
    expect(rowPayloads(entries()[1]!)).toEqual([['hex', expect.stringContaining('74 77 6f')]]);
    // The whole-log toggle leaves the override alone.
    await user.click(viewButton('Text + hex'));
    expect(rowPayloads(entries()[0]!).map(([view]) => view)).toEqual(['text', 'hex']);
    expect(rowPayloads(entries()[1]!).map(([view]) => view)).toEqual(['hex']);
    await user.click(within(entries()[1]!).getByRole('button', { name: 'Entry actions' }));
    await user.click(screen.getByRole('menuitem', { name: 'Show as the whole log' }));
    expect(rowPayloads(entries()[1]!).map(([view]) => view)).toEqual(['text', 'hex']);
  });

  it('decodes text in the chosen encoding', async () => {
    const { user } = setup(dataEvent('s1', 'rx', bytes(0x41, 0x00, 0xe9, 0x00)));
    expect(payloads()).toEqual(['A\\0\\xe9\\0']);
    await choose(user, 'Text encoding', 'UTF-16LE');
    expect(payloads()).toEqual(['Aé']);
    await choose(user, 'Text encoding', 'Latin-1');
    expect(payloads()).toEqual(['A\\0é\\0']);
  });

  it.each(['<img src=x onerror=alert(1)>', '<b>bold</b>', '<script>alert(1)</script>'])(
    'renders peer bytes %j as literal text, never as markup',
    async (markup) => {
      const { user, viewButton } = setup(dataEvent('s1', 'rx', markup));
      expect(screen.getByTestId('log-payload').textContent).toBe(markup);
      expect(screen.getByText(markup)).toBeInTheDocument();
      expect(document.querySelector('img, b, script')).toBeNull();
      await user.click(viewButton('Text + hex'));
      expect(document.querySelector('img, b, script')).toBeNull();
      await user.click(within(entries()[0]!).getByRole('button', { name: 'Entry actions' }));
      await user.click(screen.getByRole('menuitem', { name: 'Save as payload…' }));
      expect(document.querySelector('img, b, script')).toBeNull();
    },
  );

  it('draws only the start of a huge chunk and says how much is hidden', () => {
    setup(dataEvent('s1', 'rx', new Uint8Array(MAX_ROW_PREVIEW_BYTES + 10).fill(0x61)));
    expect(payloads()[0]).toHaveLength(MAX_ROW_PREVIEW_BYTES);
    expect(screen.getByText('… 10 more bytes not shown')).toBeInTheDocument();
  });

  it('shows the UDP peer when there is no connection', () => {
    const event: InspectorEvent = {
      type: 'data',
      at: Date.now(),
      sessionId: 's1',
      dir: 'rx',
      peer: { address: '::1', port: 5353, family: 'IPv6' },
      bytes: new Uint8Array([1]),
    };
    setup(event);
    expect(entries()[0]).toHaveTextContent('[::1]:5353');
  });

  it('clears the log', async () => {
    const { user, log } = setup(dataEvent('s1', 'rx', 'one'), dataEvent('s1', 'rx', 'two'));
    expect(entries()).toHaveLength(2);
    await user.click(log.getByRole('button', { name: 'Clear the log' }));
    expect(screen.queryByRole('list', { name: 'Traffic log' })).not.toBeInTheDocument();
    expect(log.getByText('Nothing received or sent yet.')).toBeInTheDocument();
    expect(log.getByRole('button', { name: 'Clear the log' })).toBeDisabled();
  });
});

describe('Log framing', () => {
  // Three length-prefixed frames (2-byte big-endian length, body only), cut where TCP might
  // cut them; the third frame is still missing three bytes.
  const chunksOfStream = [bytes(0x00), bytes(0x03, 0x61, 0x62, 0x63, 0x00), bytes(0x02, 0x64, 0x65, 0x00, 0x05, 0x78), bytes(0x79)];
  const stream = () => chunksOfStream.map((chunk, i) => at(T0 + i * 10, dataEvent('s1', 'rx', chunk)));
  const rowSummary = () =>
    entries().map((row) => [within(row).getByTestId('log-payload').textContent, within(row).queryByLabelText(/^Partial frame/) !== null]);

  it('shows raw chunks 1:1 by default and says so', () => {
    const { log } = setup(...stream());
    expect(log.getByTestId('log-framing')).toHaveTextContent('Framing: raw chunks, as received');
    expect(rowSummary()).toEqual([
      ['\\0', false],
      ['\\x03abc\\0', false],
      ['\\x02de\\0\\x05x', false],
      ['y', false],
    ]);
  });

  it('says when a raw row was merged for display, and from how many reads', () => {
    const burst = dataEvent('s1', 'rx', 'burst', 'c1');
    const { log } = setup(burst.type === 'data' ? { ...burst, reads: 18 } : burst, dataEvent('s1', 'rx', 'alone', 'c1'));
    const merged = log.getAllByTestId('log-merged');
    expect(merged).toHaveLength(1);
    expect(merged[0]).toHaveTextContent('merged: 18 reads');
    expect(within(entries()[1]!).queryByTestId('log-merged')).toBeNull();
  });

  it('rebuilds length-prefixed frames across chunks and marks the trailing one partial', async () => {
    const { user, log } = setup(...stream());
    await choose(user, 'Framing', 'Length-prefixed');
    expect(log.getByTestId('log-framing')).toHaveTextContent(
      'Framing: 2-byte big-endian length at offset 0, header not counted, adjustment 0',
    );
    expect(rowSummary()).toEqual([
      ['\\0\\x03abc', false],
      ['\\0\\x02de', false],
      ['\\0\\x05xy', true],
    ]);
    expect(within(entries()[2]!).getByText('partial')).toBeInTheDocument();
    expect(log.getByText('3 frames')).toBeInTheDocument();
  });

  it('frames live traffic as it arrives, completing the partial frame', async () => {
    const { user, fake } = setup(...stream());
    await choose(user, 'Framing', 'Length-prefixed');
    fake.emit(dataEvent('s1', 'rx', bytes(0x7a, 0x7a, 0x7a)));
    expect(rowSummary()).toEqual([
      ['\\0\\x03abc', false],
      ['\\0\\x02de', false],
      ['\\0\\x05xyzzz', false],
    ]);
  });

  it('reads a little-endian, header-counting length', async () => {
    const { user, fake } = setup();
    await choose(user, 'Framing', 'Length-prefixed');
    await choose(user, 'Byte order', 'Little endian');
    await user.click(screen.getByRole('checkbox', { name: 'Length counts the header' }));
    fake.emit(dataEvent('s1', 'rx', bytes(0x04, 0x00, 0x61)), dataEvent('s1', 'rx', bytes(0x62, 0x03, 0x00)));
    expect(rowSummary()).toEqual([
      ['\\x04\\0ab', false],
      ['\\x03\\0', true],
    ]);
  });

  it('cuts fixed-size frames', async () => {
    const { user, log } = setup(...stream());
    await choose(user, 'Framing', 'Fixed size');
    fireEvent.change(screen.getByRole('textbox', { name: 'Frame size (bytes)' }), { target: { value: '5' } });
    expect(log.getByTestId('log-framing')).toHaveTextContent('Framing: every 5 bytes');
    expect(rowSummary()).toEqual([
      ['\\0\\x03abc', false],
      ['\\0\\x02de\\0', false],
      ['\\x05xy', true],
    ]);
  });

  it('splits on a delimiter given in hex, keeping or stripping it', async () => {
    const { user, log } = setup(...stream());
    await choose(user, 'Framing', 'Delimiter');
    fireEvent.change(screen.getByRole('textbox', { name: 'Delimiter (hex)' }), { target: { value: '00' } });
    expect(log.getByTestId('log-framing')).toHaveTextContent('Framing: split after 00, delimiter kept');
    expect(rowSummary()).toEqual([
      ['\\0', false],
      ['\\x03abc\\0', false],
      ['\\x02de\\0', false],
      ['\\x05xy', true],
    ]);
    await user.click(screen.getByRole('checkbox', { name: 'Keep delimiter' }));
    expect(rowSummary().map(([text]) => text)).toEqual(['', '\\x03abc', '\\x02de', '\\x05xy']);
    fireEvent.change(screen.getByRole('textbox', { name: 'Delimiter (hex)' }), { target: { value: 'zz' } });
    expect(log.getByTestId('log-framing')).toHaveTextContent('Framing: raw chunks (the delimiter is not valid hex)');
    expect(entries()).toHaveLength(4);
  });

  it('starts a new frame after a gap of silence, and completes the last once the silence has lasted', async () => {
    const { user } = setup(
      at(T0, dataEvent('s1', 'rx', 'a')),
      at(T0 + 10, dataEvent('s1', 'rx', 'b')),
      at(T0 + 100, dataEvent('s1', 'rx', 'c')),
      at(T0 + 110, dataEvent('s1', 'rx', 'd')),
    );
    await choose(user, 'Framing', 'Gap of silence');
    fireEvent.change(screen.getByRole('textbox', { name: 'Silence (ms)' }), { target: { value: '50' } });
    // 'cd' is followed by silence far longer than 50 ms: nothing more can join it.
    await waitFor(() =>
      expect(rowSummary()).toEqual([
        ['ab', false],
        ['cd', false],
      ]),
    );
  });

  it('frames each connection and direction on its own', async () => {
    const { user } = setup(
      dataEvent('s1', 'rx', 'a1\na', 'c1'),
      dataEvent('s1', 'rx', 'b1\nb', 'c2'),
      dataEvent('s1', 'tx', 'x', 'c1'),
      dataEvent('s1', 'rx', '2\n', 'c1'),
    );
    await choose(user, 'Framing', 'Delimiter');
    expect(
      entries().map((row) => [row.textContent?.includes('sent') ? 'tx' : 'rx', within(row).getByTestId('log-payload').textContent]),
    ).toEqual([
      // Each frame sits where its first byte arrived: "a2\n" began in c1's first chunk.
      ['rx', 'a1\\n'],
      ['rx', 'a2\\n'],
      ['rx', 'b1\\n'],
      ['rx', 'b'],
      ['tx', 'x'],
    ]);
  });

  it("gives each frame its first byte's time, so times never go back down the log", async () => {
    const { user } = setup(
      at(T0, dataEvent('s1', 'rx', 'a1\na', 'c1')),
      at(T0 + 100, dataEvent('s1', 'rx', 'b1\n', 'c2')),
      at(T0 + 300, dataEvent('s1', 'rx', '2\n', 'c1')),
    );
    await choose(user, 'Framing', 'Delimiter');
    const rows = entries();
    expect(rows.map((row) => within(row).getByTestId('log-payload').textContent)).toEqual(['a1\\n', 'a2\\n', 'b1\\n']);
    // "a2\n" began at T0 and sits there; it completed at T0 + 300, after "b1\n", but is not timed so.
    expect(rows.map((row) => within(row).getByTestId('log-time').textContent)).toEqual([
      formatClock(T0),
      formatClock(T0),
      formatClock(T0 + 100),
    ]);
    expect(within(rows[2]!).getByTestId('log-delta')).toHaveTextContent('+100.000 ms');
  });
});

describe('Log search and filters', () => {
  const traffic = () => [
    dataEvent('s1', 'rx', 'temp=21\r\n', 'c1'),
    dataEvent('s1', 'tx', 'READ TEMP\r\n', 'c1'),
    dataEvent('s1', 'rx', bytes(0xff, 0xad, 0xbe, 0xef), 'c2'),
    dataEvent('s1', 'tx', 'ping', 'c2'),
  ];
  const shownTexts = () => entries().map((row) => within(row).getByTestId('log-payload').textContent);

  it('highlights rows matching a text search, ignoring case by default', () => {
    setup(...traffic());
    fireEvent.change(screen.getByRole('searchbox', { name: 'Search' }), { target: { value: 'temp' } });
    expect(entries().map((row) => row.querySelector('[data-match]') !== null)).toEqual([true, true, false, false]);
    expect(within(entries()[0]!).getByText('matches the search')).toBeInTheDocument();
    // The matched text is marked inside the row, not the whole row; the rest stays plain text.
    expect(screen.getAllByTestId('log-mark').map((mark) => mark.textContent)).toEqual(['temp', 'TEMP']);
    expect(within(entries()[0]!).getByTestId('log-payload').textContent).toBe('temp=21\\r\\n');
    expect(screen.getByTestId('log-match-count')).toHaveTextContent('2 matches');
    // Enter goes to the next match, Shift+Enter back, and both wrap around.
    const field = screen.getByRole('searchbox', { name: 'Search' });
    fireEvent.keyDown(field, { key: 'Enter' });
    expect(screen.getByTestId('log-match-count')).toHaveTextContent('1 of 2');
    expect(within(entries()[0]!).getByTestId('log-mark')).toHaveAttribute('data-current', 'true');
    fireEvent.keyDown(field, { key: 'Enter' });
    expect(screen.getByTestId('log-match-count')).toHaveTextContent('2 of 2');
    expect(within(entries()[1]!).getByTestId('log-mark')).toHaveAttribute('data-current', 'true');
    expect(within(entries()[0]!).getByTestId('log-mark')).not.toHaveAttribute('data-current');
    fireEvent.keyDown(field, { key: 'Enter', shiftKey: true });
    expect(screen.getByTestId('log-match-count')).toHaveTextContent('1 of 2');
    fireEvent.click(screen.getByRole('button', { name: /^Previous match/ }));
    expect(screen.getByTestId('log-match-count')).toHaveTextContent('2 of 2');
    fireEvent.change(field, { target: { value: 'nowhere' } });
    expect(screen.getByTestId('log-match-count')).toHaveTextContent('No matches');
    expect(screen.getByRole('button', { name: /^Next match/ })).toBeDisabled();
  });

  it('filters by text, case-sensitively when asked', async () => {
    const { user } = setup(...traffic());
    await reveal(user, 'Filters');
    await user.click(within(screen.getByRole('group', { name: 'Matches' })).getByRole('button', { name: 'Filter' }));
    fireEvent.change(screen.getByRole('searchbox', { name: 'Search' }), { target: { value: 'temp' } });
    expect(shownTexts()).toEqual(['temp=21\\r\\n', 'READ TEMP\\r\\n']);
    await user.click(screen.getByRole('checkbox', { name: 'Ignore case' }));
    expect(shownTexts()).toEqual(['temp=21\\r\\n']);
    expect(screen.getByText('1 shown')).toBeInTheDocument();
  });

  it('filters by hex, and says where a hex query is wrong', async () => {
    const { user, fake } = setup(...traffic());
    await reveal(user, 'Filters');
    await user.click(within(screen.getByRole('group', { name: 'Matches' })).getByRole('button', { name: 'Filter' }));
    await user.click(within(screen.getByRole('group', { name: 'Search as' })).getByRole('button', { name: 'Hex' }));
    fireEvent.change(screen.getByRole('searchbox', { name: 'Search' }), { target: { value: 'ad be' } });
    expect(shownTexts()).toEqual(['\\xff\\xad\\xbe\\xef']);
    // New traffic is filtered as it arrives.
    fake.emit(dataEvent('s1', 'rx', bytes(0x00, 0xad, 0xbe)), dataEvent('s1', 'rx', bytes(0xad)));
    expect(shownTexts()).toEqual(['\\xff\\xad\\xbe\\xef', '\\0\\xad\\xbe']);
    fireEvent.change(screen.getByRole('searchbox', { name: 'Search' }), { target: { value: 'ad bx' } });
    // Said as the composer says it: the character, its position, and what hex allows.
    expect(screen.getByText("Cannot be searched for. Unexpected character 'x' at position 4: hex uses 0-9 and a-f.")).toBeInTheDocument();
  });

  it('filters by direction and by connection', async () => {
    const { user } = setup(...traffic());
    await choose(user, 'Direction', 'Sent');
    expect(shownTexts()).toEqual(['READ TEMP\\r\\n', 'ping']);
    await choose(user, 'Connection', 'c2');
    expect(shownTexts()).toEqual(['ping']);
    await choose(user, 'Direction', 'Received');
    expect(shownTexts()).toEqual(['\\xff\\xad\\xbe\\xef']);
    await choose(user, 'Direction', 'Both ways');
    await choose(user, 'Connection', 'All');
    expect(entries()).toHaveLength(4);
  });

  it('says so when nothing matches', async () => {
    const { user } = setup(...traffic());
    await choose(user, 'Connection', 'c1');
    await reveal(user, 'Filters');
    await user.click(within(screen.getByRole('group', { name: 'Matches' })).getByRole('button', { name: 'Filter' }));
    fireEvent.change(screen.getByRole('searchbox', { name: 'Search' }), { target: { value: 'ping' } });
    expect(screen.getByText('No entries match the filters.')).toBeInTheDocument();
  });
});

describe('Log autoscroll', () => {
  it('pauses when the reader scrolls up, not when a flood outruns the list, and follows again back at the bottom', async () => {
    const { log } = setup(...Array.from({ length: 300 }, (_, i) => dataEvent('s1', 'rx', `m${i}`)));
    const scroller = screen.getByTestId('virtuoso-scroller');
    // jsdom has no layout: give the scroller the sizes a browser would.
    Object.defineProperty(scroller, 'scrollHeight', { value: 12000, configurable: true });
    Object.defineProperty(scroller, 'clientHeight', { value: 4000, configurable: true });
    // Leaving the bottom without the reader's hand (rows coming faster than it follows) is not a pause.
    scroller.scrollTop = 100;
    fireEvent.scroll(scroller);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(log.queryByText(/^Paused/)).not.toBeInTheDocument();
    scroller.scrollTop = 8000;
    fireEvent.scroll(scroller);
    await new Promise((resolve) => setTimeout(resolve, 50));
    // The reader's wheel, then the scroll it makes: that pauses.
    fireEvent.wheel(scroller, { deltaY: -500 });
    scroller.scrollTop = 100;
    fireEvent.scroll(scroller);
    expect(await log.findByText('Paused — 0 new')).toBeInTheDocument();
    scroller.scrollTop = 8000;
    fireEvent.scroll(scroller);
    expect(await screen.findByLabelText('Pause autoscroll')).toBeInTheDocument();
    expect(screen.queryByText(/^Paused/)).not.toBeInTheDocument();
  });

  it('pauses, counts what arrives meanwhile, and resumes at the end', async () => {
    const { user, fake, log } = setup(dataEvent('s1', 'rx', 'a'));
    await user.click(log.getByRole('button', { name: 'Pause autoscroll' }));
    expect(log.getByText('Paused — 0 new')).toBeInTheDocument();
    fake.emit(dataEvent('s1', 'rx', 'b'), dataEvent('s1', 'rx', 'c'));
    await user.click(log.getByRole('button', { name: 'Autoscroll paused with 2 new entries: jump to the newest and follow again' }));
    expect(log.queryByText(/^Paused/)).not.toBeInTheDocument();
    expect(log.getByRole('button', { name: 'Pause autoscroll' })).toBeInTheDocument();
  });
});

describe('Log entry actions', () => {
  it('copies an entry as hex or as text', async () => {
    const { user, log } = setup(dataEvent('s1', 'rx', 'hi\r\n'));
    // After setup: user-event puts its own clipboard on navigator.
    const writeText = vi.fn(async (_text: string) => undefined);
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    await user.click(within(entries()[0]!).getByRole('button', { name: 'Entry actions' }));
    await user.click(screen.getByRole('menuitem', { name: 'Copy as hex' }));
    expect(writeText).toHaveBeenLastCalledWith('68 69 0d 0a');
    expect(await log.findByText('Copied as hex.')).toBeInTheDocument();
    await user.click(within(entries()[0]!).getByRole('button', { name: 'Entry actions' }));
    await user.click(screen.getByRole('menuitem', { name: 'Copy as text' }));
    expect(writeText).toHaveBeenLastCalledWith('hi\\r\\n');
    expect(await log.findByText('Copied as text.')).toBeInTheDocument();
  });

  it('says so when there is no clipboard', async () => {
    const { user, log } = setup(dataEvent('s1', 'rx', 'hi'));
    Object.defineProperty(navigator, 'clipboard', { value: undefined, configurable: true });
    await user.click(within(entries()[0]!).getByRole('button', { name: 'Entry actions' }));
    await user.click(screen.getByRole('menuitem', { name: 'Copy as hex' }));
    expect(await log.findByRole('status')).toHaveTextContent('The clipboard is not available here');
  });

  it('saves an entry as a named payload', async () => {
    const { user, log, stores } = setup(dataEvent('s1', 'rx', bytes(0x01, 0x02, 0xff)));
    await user.click(within(entries()[0]!).getByRole('button', { name: 'Entry actions' }));
    await user.click(screen.getByRole('menuitem', { name: 'Save as payload…' }));
    const dialog = screen.getByRole('dialog', { name: 'Save as payload' });
    const name = within(dialog).getByRole('textbox', { name: 'Payload name' });
    expect(name).toHaveValue(`c1 rx ${formatClock(T0).slice(0, 8)}`);
    await user.clear(name);
    await user.type(name, 'status reply');
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    expect(stores.payloads.getState().items).toEqual([
      expect.objectContaining({ name: 'status reply', format: 'hex', value: '01 02 ff', lineEnding: 'none' }),
    ]);
    expect(log.getByRole('status')).toHaveTextContent('Saved as payload "status reply".');
  });
});

describe('Log limits and status', () => {
  it('says how many older entries left the view and lets the limit be raised', async () => {
    const store = createInspectorStore({ ...DEFAULT_LIMITS, maxLogEntries: 3 });
    const { fake, user, log } = setupWithStore(store);
    fake.emit(...['a', 'b', 'c', 'd', 'e'].map((text) => dataEvent('s1', 'rx', text)));
    expect(entries()).toHaveLength(3);
    expect(log.getByTestId('log-dropped')).toHaveTextContent(
      '2 older entries were dropped from this view (limit: 3). Raise the limit in the log settings.',
    );
    expect(log.getByText('Kept: 3 · dropped: 2')).toBeInTheDocument();

    await user.click(log.getByRole('button', { name: 'Log settings' }));
    const settings = screen.getByRole('dialog', { name: 'Log settings' });
    const field = within(settings).getByRole('textbox', { name: 'Entries kept per session' });
    fireEvent.change(field, { target: { value: '999' } });
    expect(within(settings).getByRole('button', { name: 'Apply' })).toBeDisabled();
    fireEvent.change(field, { target: { value: '5000' } });
    await user.click(within(settings).getByRole('button', { name: 'Apply' }));
    expect(store.getState().logLimit).toBe(5000);
    fake.emit(...['f', 'g'].map((text) => dataEvent('s1', 'rx', text)));
    expect(entries()).toHaveLength(5);
    expect(log.getByTestId('log-dropped')).toHaveTextContent('(limit: 5,000)');
  });

  it('names the byte bound, not the entry limit, when data volume dropped the entries', () => {
    const store = createInspectorStore({ ...DEFAULT_LIMITS, maxLogEntries: 1000, maxLogBytes: 2048 });
    const { fake, log } = setupWithStore(store);
    fake.emit(...Array.from({ length: 5 }, (_, i) => dataEvent('s1', 'rx', String(i).repeat(1000))));
    expect(entries()).toHaveLength(2);
    expect(log.getByTestId('log-dropped')).toHaveTextContent(
      '3 older entries were dropped from this view: a log keeps at most 2 KiB of data. A recording of the session keeps everything.',
    );
    expect(log.getByTestId('log-dropped')).not.toHaveTextContent('limit');

    // Past the entry limit as well, the note follows whichever bound let entries go last.
    fake.emit(...Array.from({ length: 1000 }, () => dataEvent('s1', 'rx', 'x')));
    expect(log.getByTestId('log-dropped')).toHaveTextContent('older entries were dropped from this view (limit: 1,000)');
  });

  it('shows counters and per-second rates from the session counters', () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] });
    const { fake, log } = setup();
    const counters = (rxBytes: number, rxMessages: number, txBytes: number, txMessages: number): InspectorEvent => ({
      type: 'counters',
      at: Date.now(),
      sessionId: 's1',
      counters: { rxBytes, rxMessages, txBytes, txMessages },
      connections: [],
    });
    const status = within(log.getByRole('contentinfo', { name: 'Log status' }));
    fake.emit(counters(100, 1, 0, 0));
    act(() => vi.advanceTimersByTime(1000));
    fake.emit(counters(2148, 5, 30, 3));
    act(() => vi.advanceTimersByTime(1000));
    expect(status.getByTestId('log-rates')).toHaveTextContent('↓ 2,048 B/s, 4 msg/s · ↑ 30 B/s, 3 msg/s');
    expect(status.getByText('Received 2,148 bytes in 5 chunks, sent 30 bytes in 3 chunks')).toBeInTheDocument();
    act(() => vi.advanceTimersByTime(1000));
    expect(status.getByTestId('log-rates')).toHaveTextContent('↓ 0 B/s, 0 msg/s · ↑ 0 B/s, 0 msg/s');
  });

  it('draws only a screenful of rows from a million-entry log', () => {
    const store = createInspectorStore({ ...DEFAULT_LIMITS, maxLogEntries: 1_000_000 });
    store.getState().applyBatch({ events: [sessionEvent(sessionInfo({ id: 's1' }))], coalesced: 0 });
    const payload = bytes(0x6f, 0x6b);
    const events: InspectorEvent[] = Array.from({ length: 1_000_000 }, (_, i) => ({
      type: 'data',
      at: T0 + i,
      sessionId: 's1',
      dir: i % 2 ? 'tx' : 'rx',
      connId: 'c1',
      bytes: payload,
    }));
    store.getState().applyBatch({ events, coalesced: 0 });
    expect(store.getState().logs.get('s1')!.entries.length).toBe(1_000_000);
    const { fake, log } = setupWithStore(store, 800);
    expect(log.getByText('Entries: 1,000,000')).toBeInTheDocument();
    expect(entries().length).toBeGreaterThan(0);
    expect(entries().length).toBeLessThan(60);
    fake.emit(dataEvent('s1', 'rx', 'one more'));
    expect(log.getByText('Entries: 1,000,000')).toBeInTheDocument();
    expect(log.getByTestId('log-dropped')).toHaveTextContent('1 older entry was dropped');
    expect(document.querySelectorAll('[data-testid="log-entry"]').length).toBeLessThan(60);
  });

  it('holds a window of a million-entry log that a browser can scroll, and moves it on request', async () => {
    // A list as tall as a million rows is past what browsers draw (Chrome: 16,777,200 px).
    const store = createInspectorStore({ ...DEFAULT_LIMITS, maxLogEntries: 1_000_000 });
    store.getState().applyBatch({ events: [sessionEvent(sessionInfo({ id: 's1' }))], coalesced: 0 });
    const payload = bytes(0x6f, 0x6b);
    const events: InspectorEvent[] = Array.from({ length: 1_000_000 }, (_, i) => ({
      type: 'data',
      at: T0 + i,
      sessionId: 's1',
      dir: 'rx',
      connId: 'c1',
      bytes: payload,
    }));
    store.getState().applyBatch({ events, coalesced: 0 });
    const { user, log } = setupWithStore(store, 800);
    const places = () => entries().map((row) => Number(row.closest('[role="listitem"]')!.getAttribute('aria-posinset')));
    // Following the newest: the window is the last 100,000 rows, each saying its place in the log.
    expect(entries()[0]!.closest('[role="listitem"]')).toHaveAttribute('aria-setsize', '1000000');
    expect(Math.min(...places())).toBeGreaterThan(900_000);
    expect(log.queryByRole('button', { name: /newer entries$/ })).not.toBeInTheDocument();

    await user.click(log.getByRole('button', { name: 'Show 50,000 older entries' }));
    expect(Math.min(...places())).toBeGreaterThan(850_000);
    expect(log.getByRole('button', { name: /^Autoscroll paused/ })).toBeInTheDocument();
    await user.click(log.getByRole('button', { name: 'Show 50,000 older entries' }));
    // Now 800,001–950,000: the newest rows are past the window's other end.
    expect(Math.min(...places())).toBeGreaterThan(800_000);
    expect(Math.max(...places())).toBeLessThanOrEqual(950_000);
    await user.click(log.getByRole('button', { name: 'Show 50,000 newer entries' }));
    expect(log.queryByRole('button', { name: /newer entries$/ })).not.toBeInTheDocument();

    await user.click(log.getByRole('button', { name: /^Autoscroll paused/ }));
    expect(log.getByRole('button', { name: 'Pause autoscroll' })).toBeInTheDocument();
    expect(Math.min(...places())).toBeGreaterThan(900_000);
  });
});
