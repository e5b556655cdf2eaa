/**
 * Opening a transcript file: read in the renderer, shown read-only in its own tab with the live
 * log's view, search and framing; torn, unended and foreign files each say what they are. The
 * file dialog is stubbed; the bytes are the app's own encoding.
 */
import { screen, waitFor, within } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { FileAccess, OpenedFile, RecordingSave } from '@renderer/api/files';
import { LOG_PREFS_STORAGE_KEY } from '@renderer/store/log-prefs';
import { ok } from '@shared/result';
import { createFakeBridge, sessionEvent, sessionInfo } from '../support/renderer/fake-bridge';
import { renderAppWith } from '../support/renderer/render-app';
import { conversation, joinBytes, pcapngFile, recordingFile, transcriptFile, transcriptLines } from '../support/renderer/transcript-bytes';

beforeEach(() => localStorage.clear());

function filesOpening(file: OpenedFile): FileAccess {
  return {
    save: vi.fn(async () => ok(true)),
    open: vi.fn(async () => ok(file)),
    saveRecording: vi.fn(async () => ok<RecordingSave>('saved')),
    recordingFolder: undefined,
  };
}

const payloads = () => screen.queryAllByTestId('log-payload').map((node) => node.textContent);
const main = () => within(screen.getByRole('main'));

async function openTranscript(file: OpenedFile) {
  const fake = createFakeBridge();
  const files = filesOpening(file);
  const view = renderAppWith(fake.bridge, { files });
  await view.user.click(screen.getByRole('button', { name: 'Open transcript…' }));
  return { ...view, fake, files };
}

describe('opening a transcript', () => {
  it('asks for .sirec, .jsonl and .pcapng files and shows the file read-only: entries, connections, no composer', async () => {
    const { files } = await openTranscript({ name: 'capture.jsonl', bytes: transcriptFile() });
    expect(files.open).toHaveBeenCalledWith([{ name: 'Socket Inspector transcript', extensions: ['sirec', 'jsonl', 'pcapng'] }]);

    const list = await screen.findByRole('list', { name: 'Open transcripts' });
    expect(within(list).getByText('capture.jsonl')).toBeInTheDocument();
    expect(screen.getByRole('main', { name: 'Selected transcript' })).toBeInTheDocument();
    expect(main().getByRole('heading', { name: 'capture.jsonl' })).toBeInTheDocument();
    expect(main().getByText('Transcript · read-only')).toBeInTheDocument();
    await waitFor(() => expect(payloads()).toEqual(['hello\\n', 'world\\n']));
    // The connection's history is in the log too, where it happened: opened, bytes, FINs, closed.
    const events = main().getAllByTestId('log-event');
    expect(events[0]).toHaveTextContent('Connected from 127.0.0.1:51234');
    expect(events.at(-1)).toHaveTextContent('Closed: peer closed');
    const rows = main().getAllByTestId('log-entry');
    expect(rows[0]).toHaveTextContent('received');
    expect(rows[0]).toHaveTextContent('c1');
    expect(rows[1]).toHaveTextContent('sent');

    const table = main().getByRole('table', { name: 'Connections' });
    const row = within(table).getByRole('row', { name: /c1/ });
    expect(row).toHaveTextContent('127.0.0.1:51234');
    expect(row).toHaveTextContent('peer closed');

    // Read-only: nothing to send, record, clear or close on the engine.
    expect(screen.queryByRole('region', { name: 'Send' })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Start recording' })).not.toBeInTheDocument();
    expect(main().queryByRole('button', { name: 'Clear the log' })).not.toBeInTheDocument();
    expect(screen.queryByTestId('transcript-ending')).not.toBeInTheDocument();
  });

  it('reads a recording of version 3, its data bytes raw, as it reads JSON Lines', async () => {
    const bytes = recordingFile();
    // Raw: the bytes are in the file as they are, a newline among them, not base64.
    expect(Buffer.from(bytes).includes(Buffer.from('"raw":true'))).toBe(true);
    await openTranscript({ name: 'capture.sirec', bytes });
    expect(await main().findByRole('heading', { name: 'capture.sirec' })).toBeInTheDocument();
    // Named for what it is, by its header's version, not by its name.
    expect(main().getByText(/records · recording$/)).toBeInTheDocument();
    await waitFor(() => expect(payloads()).toEqual(['hello\\n', 'world\\n']));
    expect(screen.queryByTestId('transcript-ending')).not.toBeInTheDocument();
  });

  it('searches, filters, shows hex and frames the entries as the live log does', async () => {
    const { user } = await openTranscript({ name: 'capture.jsonl', bytes: transcriptFile(conversation({ extraData: 0 })) });
    await waitFor(() => expect(payloads()).toHaveLength(2));
    const log = within(main().getByRole('region', { name: 'Log' }));
    // The rarer controls open from the toolbar, beside the log (not inside it).
    await user.click(log.getByRole('button', { name: 'Filters' }));
    await user.click(within(screen.getByRole('group', { name: 'Matches' })).getByRole('button', { name: 'Filter' }));
    await user.click(log.getByRole('button', { name: 'Filters' }));
    await user.type(log.getByRole('searchbox', { name: 'Search' }), 'wor');
    await waitFor(() => expect(payloads()).toEqual(['world\\n']));
    await user.clear(log.getByRole('searchbox', { name: 'Search' }));
    await user.click(within(log.getByRole('group', { name: 'Payload view' })).getByRole('button', { name: 'Hex' }));
    await waitFor(() => expect(payloads()[0]).toBe('00000000  68 65 6c 6c 6f 0a                                 |hello.|'));
    await user.click(log.getByRole('button', { name: 'Log settings' }));
    await user.click(screen.getByRole('combobox', { name: 'Framing' }));
    await user.click(within(screen.getByRole('listbox')).getByRole('option', { name: 'Fixed size' }));
    await user.clear(screen.getByRole('textbox', { name: 'Frame size (bytes)' }));
    await user.type(screen.getByRole('textbox', { name: 'Frame size (bytes)' }), '4');
    // Each direction is its own stream: 4 + a partial 2 received, the same sent.
    await waitFor(() => expect(log.getByText('4 frames')).toBeInTheDocument());
  });

  it('reads pcapng the app wrote, with its connection and both directions', async () => {
    await openTranscript({ name: 'capture.pcapng', bytes: pcapngFile() });
    await waitFor(() => expect(payloads()).toEqual(['hello\\n', 'world\\n']));
    expect(main().getByText(/· pcapng$/)).toBeInTheDocument();
    expect(within(main().getByRole('table', { name: 'Connections' })).getByRole('row', { name: /c1/ })).toHaveTextContent(
      '127.0.0.1:51234',
    );
    // An export has no end record by design: no note that it did not end cleanly.
    expect(screen.queryByTestId('transcript-ending')).not.toBeInTheDocument();
  });

  it('says where a torn file ends and shows the whole records before it', async () => {
    const lines = transcriptLines();
    const whole = lines.slice(0, 3);
    const wholeBytes = joinBytes(whole).byteLength;
    // Cut halfway through the fourth line (the second data record).
    const torn = joinBytes([...whole, lines[3]!.subarray(0, 20)]);
    await openTranscript({ name: 'crashed.jsonl', bytes: torn });
    const banner = await screen.findByTestId('transcript-ending');
    expect(banner).toHaveTextContent(
      `The file ends mid-record at byte ${wholeBytes.toLocaleString('en')}; showing the 3 whole records before it.`,
    );
    await waitFor(() => expect(payloads()).toEqual(['hello\\n']));
  });

  it('notes a recording that has no end record', async () => {
    await openTranscript({ name: 'killed.jsonl', bytes: transcriptFile(conversation({ end: false })) });
    expect(await screen.findByTestId('transcript-ending')).toHaveTextContent('The recording did not end cleanly');
    await waitFor(() => expect(payloads()).toHaveLength(2));
  });

  it('names the damage in a corrupted file and shows what came before it', async () => {
    const lines = transcriptLines();
    const altered = lines[2]!.slice();
    altered[30] = altered[30] === 0x41 ? 0x42 : 0x41;
    await openTranscript({ name: 'altered.jsonl', bytes: joinBytes([lines[0]!, lines[1]!, altered, ...lines.slice(3)]) });
    const banner = await screen.findByTestId('transcript-ending');
    expect(banner).toHaveTextContent(
      `The file is damaged at byte ${joinBytes(lines.slice(0, 2)).byteLength.toLocaleString('en')}; showing the 2 whole records before it.`,
    );
    expect(banner).toHaveTextContent('checksum mismatch');
    expect(main().queryAllByTestId('log-entry')).toHaveLength(0);
  });

  it('refuses a file that is neither, naming the problem, and opens nothing', async () => {
    await openTranscript({ name: 'notes.txt', bytes: new TextEncoder().encode('just some notes\n') });
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('notes.txt was not opened');
    expect(alert).toHaveTextContent('neither a Socket Inspector transcript');
    expect(alert).toHaveTextContent('Open a .sirec, .jsonl or .pcapng file');
    expect(screen.queryByRole('list', { name: 'Open transcripts' })).not.toBeInTheDocument();
  });

  it('keeps only the log limit of a large file and says how many records are not shown', async () => {
    localStorage.setItem(LOG_PREFS_STORAGE_KEY, JSON.stringify({ logLimit: 1000 }));
    await openTranscript({ name: 'big.jsonl', bytes: transcriptFile(conversation({ extraData: 1498 })) });
    expect(await screen.findByTestId('log-dropped')).toHaveTextContent(
      // 500 data records and the two rows for its connection opening and its peer's FIN.
      'The oldest 502 entries of this file are not shown: the log keeps 1,000 entries.',
    );
    expect(main().getByText('Entries: 1,000')).toBeInTheDocument();
  });

  it('lists transcripts apart from sessions, switches between them and closes a transcript', async () => {
    const { user, fake } = await openTranscript({ name: 'capture.jsonl', bytes: transcriptFile() });
    await screen.findByRole('list', { name: 'Open transcripts' });
    fake.emit(sessionEvent(sessionInfo({ id: 's1', port: 4242 })));
    // A live session appearing does not take the reader away from the transcript.
    expect(screen.getByRole('main', { name: 'Selected transcript' })).toBeInTheDocument();
    await user.click(within(screen.getByRole('list', { name: 'Open sessions' })).getByText('127.0.0.1:4242'));
    expect(screen.getByRole('main', { name: 'Selected session' })).toBeInTheDocument();
    await user.click(within(screen.getByRole('list', { name: 'Open transcripts' })).getByText('capture.jsonl'));
    expect(screen.getByRole('main', { name: 'Selected transcript' })).toBeInTheDocument();

    await user.click(
      within(screen.getByRole('list', { name: 'Open transcripts' })).getByRole('button', { name: 'Close transcript capture.jsonl' }),
    );
    expect(screen.queryByRole('list', { name: 'Open transcripts' })).not.toBeInTheDocument();
    expect(screen.getByRole('main', { name: 'Selected session' })).toBeInTheDocument();
  });
});
