/**
 * What the engine could not show: the log's status line says how much, and whether the
 * recording has it, from the counters the engine sends or the session snapshot a page loads.
 */
import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { InspectorEvent } from '@shared/contract';
import { createFakeBridge, recordingEvent, recordingInfo, sessionEvent, sessionInfo } from '../support/renderer/fake-bridge';
import { renderApp } from '../support/renderer/render-app';

const counters = (rxBytes: number, notShown?: { bytes: number; messages: number }): InspectorEvent => ({
  type: 'counters',
  at: Date.now(),
  sessionId: 's1',
  counters: { rxBytes, rxMessages: 10, txBytes: 0, txMessages: 0 },
  connections: [],
  ...(notShown ? { notShown } : {}),
});

const status = () => within(within(screen.getByRole('region', { name: 'Log' })).getByRole('contentinfo', { name: 'Log status' }));

describe('data not shown', () => {
  it('says nothing while everything was shown, then how much was not, and that the recording has it', () => {
    const fake = createFakeBridge();
    renderApp(fake.bridge);
    fake.emit(sessionEvent(sessionInfo({ id: 's1' })), counters(100));
    expect(status().queryByTestId('log-not-shown')).toBeNull();

    fake.emit(counters(5_000_000, { bytes: 4_000_000, messages: 123 }));
    expect(status().getByTestId('log-not-shown')).toHaveTextContent(
      'Not shown: 4,000,000 bytes in 123 chunks came faster than the display follows. Record the session to keep every byte.',
    );
    fake.emit(recordingEvent('s1', recordingInfo()));
    expect(status().getByTestId('log-not-shown')).toHaveTextContent(
      'Not shown: 4,000,000 bytes in 123 chunks came faster than the display follows — the recording has them.',
    );
    // A later counters event without the tally (an engine that dropped nothing since) keeps what was said.
    fake.emit(counters(5_000_100));
    expect(status().getByTestId('log-not-shown')).toHaveTextContent('4,000,000 bytes');
  });

  it('takes the tally from a session snapshot, as a page that loads late gets it', () => {
    const fake = createFakeBridge();
    renderApp(fake.bridge, 'zh-CN');
    fake.emit(sessionEvent({ ...sessionInfo({ id: 's1', recording: recordingInfo() }), notShown: { bytes: 2048, messages: 2 } }));
    const log = within(screen.getByRole('region', { name: '日志' }));
    expect(log.getByTestId('log-not-shown')).toHaveTextContent('未显示：2,048 字节（2 个数据块）到达得比显示更新更快——录制文件中都有。');
  });
});
