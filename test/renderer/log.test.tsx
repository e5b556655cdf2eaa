import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { InspectorEvent } from '../../src/shared/contract';
import { MAX_ROW_PREVIEW_BYTES } from '../../src/renderer/src/limits';
import { createFakeBridge, dataEvent, sessionEvent, sessionInfo } from './support/fake-bridge';
import { renderApp } from './support/render-app';

function setup(...events: InspectorEvent[]) {
  const fake = createFakeBridge();
  const app = renderApp(fake.bridge);
  fake.emit(sessionEvent(sessionInfo({ id: 's1' })), ...events);
  const log = within(screen.getByRole('region', { name: 'Log' }));
  const viewButton = (name: 'Text' | 'Hex') => within(log.getByRole('group', { name: 'Payload view' })).getByRole('button', { name });
  return { fake, ...app, log, viewButton };
}

const entries = () => within(screen.getByRole('list', { name: 'Traffic log' })).getAllByRole('listitem');
const payloads = () => screen.getAllByTestId('log-payload').map((node) => node.textContent);

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
    expect(log.getByText('2 entries')).toBeInTheDocument();
  });

  it('switches every row between text and hex dump', async () => {
    const { user, viewButton } = setup(dataEvent('s1', 'rx', 'hello\r\n'), dataEvent('s1', 'rx', 'ABCDEFGHIJKLMNOPQ'));
    expect(viewButton('Text')).toHaveAttribute('aria-pressed', 'true');
    await user.click(viewButton('Hex'));
    expect(viewButton('Hex')).toHaveAttribute('aria-pressed', 'true');
    expect(payloads()).toEqual([
      '00000000  68 65 6c 6c 6f 0d 0a                              |hello..|',
      '00000000  41 42 43 44 45 46 47 48  49 4a 4b 4c 4d 4e 4f 50  |ABCDEFGHIJKLMNOP|\n' +
        '00000010  51                                                |Q|',
    ]);
    await user.click(viewButton('Text'));
    expect(payloads()).toEqual(['hello\\r\\n', 'ABCDEFGHIJKLMNOPQ']);
  });

  it.each(['<img src=x onerror=alert(1)>', '<b>bold</b>', '<script>alert(1)</script>'])(
    'renders peer bytes %j as literal text, never as markup',
    async (markup) => {
      const { user, container, viewButton } = setup(dataEvent('s1', 'rx', markup));
      expect(screen.getByTestId('log-payload').textContent).toBe(markup);
      expect(screen.getByText(markup)).toBeInTheDocument();
      expect(container.querySelector('img, b, script')).toBeNull();
      expect(document.querySelector('img, b, script')).toBeNull();
      await user.click(viewButton('Hex'));
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
