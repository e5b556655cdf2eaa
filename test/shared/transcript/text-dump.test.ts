import { describe, expect, it } from 'vitest';
import type { BodyRecord, HeaderRecord } from '@shared/transcript/records';
import { formatTextHeader, formatTextRecord, isoTime, printable } from '@shared/transcript/text-dump';
import { HOSTILE, START, header, tcpRecords, udpRecords, v4, v6 } from '../../support/transcript-fixtures';

const dump = (records: ReturnType<typeof tcpRecords>): string =>
  records.map((r) => (r.type === 'header' ? formatTextHeader(r) : formatTextRecord(r))).join('');

/** C0 and C1 controls other than newline, bidi controls, zero-width and line/paragraph separators. */
// eslint-disable-next-line no-control-regex
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]/u;

describe('text dump', () => {
  it('shows a TCP record with its time, direction, connection, both ends, length and a hex dump', () => {
    const records = tcpRecords();
    const text = formatTextRecord(records[3] as BodyRecord);
    expect(text).toBe(
      '2025-01-02T03:04:05.681Z  ← rx  conn c1, local 127.0.0.1:4000, remote 127.0.0.1:50001, 18 bytes\n' +
        '    00000000  47 45 54 20 2f 20 48 54  54 50 2f 31 2e 31 0d 0a  |GET / HTTP/1.1..|\n' +
        '    00000010  0d 0a                                             |..|\n\n',
    );
    expect(formatTextRecord(records[5] as BodyRecord)).toMatch(/^\S+Z {2}→ tx {2}conn c1, /);
  });

  it('puts IPv6 addresses in brackets', () => {
    const text = dump(tcpRecords());
    expect(text).toContain('← rx  conn c2, local [::1]:4000, remote [::1]:50002, 100,000 bytes');
    expect(text).toContain('Local:    [::]:4000');
    expect(text).toContain('open   conn c2, local [::1]:4000, remote [::1]:50002');
    const unknownEnds = formatTextRecord({
      type: 'open',
      seq: 1,
      at: START,
      session: 's1',
      conn: 'c5',
      local: v4('', 0),
      remote: v6('fe80::1%eth0', 80),
    });
    expect(unknownEnds).toContain('open   conn c5, local unknown, remote [fe80::1%eth0]:80');
  });

  it('shows UDP datagrams by peer, the empty one included', () => {
    const text = dump(udpRecords());
    expect(text).toContain('← rx  datagram from 127.0.0.1:6000, local 0.0.0.0:5000, remote 127.0.0.1:6000, 0 bytes (empty datagram)\n\n');
    expect(text).toContain('→ tx  datagram to 127.0.0.1:6000, local 0.0.0.0:5000, remote 127.0.0.1:6000, 65,507 bytes\n');
    expect(text).toContain('    0000ffd0  ');
    expect(text).toContain('end of the recording (quit)');
  });

  it('puts state changes, opens, half-closes, closes, errors and the end on lines of their own', () => {
    const text = dump(tcpRecords());
    const lines = text.split('\n');
    const at = (pattern: RegExp) => lines.find((line) => pattern.test(line));
    expect(at(/state open/)).toBe('2025-01-02T03:04:05.679Z  state open, local [::]:4000');
    expect(at(/half-close/)).toMatch(/Z {2}half-close conn c1: the peer will send nothing more$/);
    expect(at(/close {2}conn c1/)).toMatch(/peer-closed; received 40 bytes in 2 messages, sent 24 bytes in 1 message$/);
    const error = lines.findIndex((line) => /Z {2}error on conn c2$/.test(line));
    expect(lines.slice(error + 1, error + 3)).toEqual([
      '    ECONNRESET: read ECONNRESET',
      '    hint: The peer reset the connection (RST).',
    ]);
    expect(at(/state closed/)).toMatch(/Z {2}state closed$/);
    expect(lines.filter((line) => line.includes('end of the recording (stopped)'))).toHaveLength(1);
  });

  it('writes the header with the session, start, settings and the connections already open', () => {
    const head: HeaderRecord = header('tcp-client', {
      connections: [{ conn: 'c3', local: v4('10.0.0.2', 50000), remote: v6('2001:db8::1', 443), since: START - 1000 }],
    });
    const text = formatTextHeader(head);
    expect(text).toContain('Socket Inspector transcript, format version 2, written by Socket Inspector 0.1.0-test\n');
    expect(text).toContain('Session:  s1 (tcp-client)\n');
    expect(text).toContain('Started:  2025-01-02T03:04:05.678Z\n');
    expect(text).toContain('Settings: {"kind":"tcp-client","host":"::","port":4000}\n');
    expect(text).toContain('    c3  local 10.0.0.2:50000  remote [2001:db8::1]:443  since 2025-01-02T03:04:04.678Z\n');
    expect(text.endsWith('\n\n')).toBe(true);
  });

  it('never lets control, ANSI escape or bidi bytes from the peer or the file through raw', () => {
    const records = tcpRecords();
    const text = dump(records);
    expect(text).not.toMatch(RAW_CONTROL);
    expect(text).toContain('|ok.[31mRED.[2J..|\n');
    expect(text).toContain('|.gnp.exe...end|\n');
    expect(HOSTILE).toContain(0x1b);
    const doctored: BodyRecord = {
      type: 'error',
      seq: 1,
      at: START,
      session: 's1\u001b]0;owned\u0007',
      conn: 'c1\u202e',
      error: { code: 'X\r', message: 'line one\nline two\u2028\u001b[2J', hint: '\u2066hidden\u2069' },
    };
    const hostileText =
      formatTextRecord(doctored) +
      formatTextHeader({ ...header('udp'), session: '\u001b[5m', app: { name: 'a\u001bb', version: '\u200f' } });
    expect(hostileText).not.toMatch(RAW_CONTROL);
    expect(hostileText).toContain('error on conn c1\\u{202e}');
    expect(hostileText).toContain('line one\\u{a}line two\\u{2028}\\u{1b}[2J');
  });

  it('writes times as ISO 8601 UTC with milliseconds, and survives a time no date can hold', () => {
    expect(isoTime(START + 0.75)).toBe('2025-01-02T03:04:05.678Z');
    expect(isoTime(1e300)).toBe('@1e+300');
    expect(printable('plain text, 中文 and emoji 🙂')).toBe('plain text, 中文 and emoji 🙂');
  });
});
