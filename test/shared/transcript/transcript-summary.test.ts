import { describe, expect, it } from 'vitest';
import type { TranscriptRecord } from '@shared/transcript/records';
import { TranscriptSummarizer, formatSummary } from '@shared/transcript/transcript-summary';
import { START, encodeAll, tcpRecords, udpRecords } from '../../support/transcript-fixtures';
import { readTranscript } from '../../support/collect';

function summarize(records: readonly TranscriptRecord[]) {
  const summarizer = new TranscriptSummarizer();
  for (const record of records) summarizer.add(record);
  return summarizer.summary();
}

describe('TranscriptSummarizer', () => {
  it('totals each TCP connection by direction and says how it closed', () => {
    const summary = summarize(tcpRecords());
    expect(summary.records).toBe(16);
    expect(summary.byType).toEqual({ header: 1, data: 6, open: 2, 'half-close': 1, close: 2, state: 2, error: 1, end: 1 });
    expect(summary.first).toBe(START);
    expect(summary.last).toBe(START + 15);
    expect(summary.peers).toEqual([]);
    expect(summary.connections).toEqual([
      {
        conn: 'c1',
        local: { address: '127.0.0.1', port: 4000, family: 'IPv4' },
        remote: { address: '127.0.0.1', port: 50001, family: 'IPv4' },
        opened: START + 2,
        rx: { bytes: 18 + 30, messages: 2 },
        tx: { bytes: 24, messages: 1 },
        halfClosedBy: ['peer'],
        closed: { at: START + 11, reason: 'peer-closed' },
      },
      {
        conn: 'c2',
        local: { address: '::1', port: 4000, family: 'IPv6' },
        remote: { address: '::1', port: 50002, family: 'IPv6' },
        opened: START + 4,
        rx: { bytes: 100_003, messages: 2 },
        tx: { bytes: 70_001, messages: 1 },
        halfClosedBy: [],
        closed: { at: START + 13, reason: 'peer-reset' },
      },
    ]);
  });

  it('counts UDP datagrams per peer and direction, empty ones apart', () => {
    const summary = summarize(udpRecords());
    expect(summary.connections).toEqual([]);
    expect(summary.peers).toEqual([
      {
        peer: { address: '127.0.0.1', port: 6000, family: 'IPv4' },
        rx: { datagrams: 2, bytes: 65_507, empty: 1 },
        tx: { datagrams: 1, bytes: 65_507, empty: 0 },
      },
      {
        peer: { address: '127.0.0.1', port: 6001, family: 'IPv4' },
        rx: { datagrams: 1, bytes: 4, empty: 0 },
        tx: { datagrams: 1, bytes: 4, empty: 0 },
      },
    ]);
  });

  it('counts connections the header lists as already open', () => {
    const records = tcpRecords();
    const head = {
      ...records[0]!,
      connections: [
        {
          conn: 'c0',
          local: { address: '127.0.0.1', port: 4000, family: 'IPv4' as const },
          remote: { address: '127.0.0.1', port: 40000, family: 'IPv4' as const },
          since: START - 5,
        },
      ],
    };
    const summary = summarize([head]);
    expect(summary.connections).toEqual([expect.objectContaining({ conn: 'c0', opened: START - 5, rx: { bytes: 0, messages: 0 } })]);
  });
});

describe('formatSummary', () => {
  it('prints the session, the totals and a verdict for a whole file', () => {
    const bytes = encodeAll(tcpRecords());
    const { outcome } = readTranscript(bytes);
    const text = formatSummary(summarize(tcpRecords()), outcome);
    expect(text).toContain('Session s1 (tcp-server), local [::]:4000\n');
    expect(text).toContain('From 2025-01-02T03:04:05.678Z to 2025-01-02T03:04:05.693Z (0.015 s)\n');
    expect(text).toContain('Records: 16 (header 1, data 6, open 2, half-close 1, close 2, state 2, error 1, end 1)\n');
    expect(text).toContain('TCP connections: 2\n');
    expect(text).toContain(
      '  c2  local [::1]:4000  remote [::1]:50002\n      rx 100,003 bytes in 2 messages   tx 70,001 bytes in 1 message\n      closed: peer-reset at 2025-01-02T03:04:05.691Z\n',
    );
    expect(text.trimEnd().split('\n').pop()).toBe(
      `WHOLE: 16 records, ${bytes.length.toLocaleString('en-US')} bytes, ending with an end record.`,
    );
  });

  it('says when the end record is missing, and when the file is torn', () => {
    const unfinished = tcpRecords({ end: false });
    const whole = readTranscript(encodeAll(unfinished));
    expect(formatSummary(summarize(unfinished), whole.outcome)).toContain('WHOLE BUT UNFINISHED: 15 records');
    expect(formatSummary(summarize(unfinished), whole.outcome)).toContain(
      'interrupted (the app crashed or was killed) or is still running',
    );

    const bytes = encodeAll(udpRecords());
    const torn = readTranscript(bytes.subarray(0, bytes.length - 7));
    const text = formatSummary(summarize([torn.header!, ...torn.records]), torn.outcome);
    expect(text).toContain('UDP peers: 2\n  127.0.0.1:6000  rx 2 datagrams, 65,507 bytes (1 empty)   tx 1 datagram, 65,507 bytes\n');
    expect(text).toMatch(/TORN: the file ends mid-record at byte [\d,]+ \(line 9\): the 8 records before it are whole/);
  });

  it('says which TCP connections were still open at the end, and a file that is not a transcript', () => {
    const cut = tcpRecords({ end: false }).slice(0, 7);
    const text = formatSummary(summarize(cut), readTranscript(encodeAll(cut)).outcome);
    expect(text).toContain('still open at the end of the file');
    const notOne = readTranscript(new TextEncoder().encode('hello\n'));
    expect(formatSummary(summarize([]), notOne.outcome)).toMatch(/^NOT A TRANSCRIPT: the file is not a Socket Inspector transcript/);
  });
});
