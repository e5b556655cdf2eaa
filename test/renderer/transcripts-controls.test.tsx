/**
 * The recording controls against a scripted bridge: the settings panel in browser mode and in
 * the desktop app (its host stubbed), "Save transcript…" in each format, and the download that
 * browser mode starts.
 */
import { screen, waitFor, within } from '@testing-library/react';
import { errorOf, failWith } from '../support/errors';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { filesFor, type FileAccess, type RecordingSave } from '@renderer/api/files';
import type { ElectronBridge, RecorderSettings } from '@shared/contract';
import { AppCode } from '@shared/errors';
import { ok, type Result } from '@shared/result';
import { createFakeBridge, recordingEvent, recordingInfo, sessionEvent, sessionInfo } from '../support/renderer/fake-bridge';
import { openDialog } from '../support/renderer/open-session';
import { renderApp, renderAppWith } from '../support/renderer/render-app';

beforeEach(() => localStorage.clear());
afterEach(() => vi.restoreAllMocks());

const SETTINGS: RecorderSettings = { folder: '/home/tester/Socket Inspector/recordings', recordByDefault: true };

function stubFiles(options: { saveRecording?: Result<RecordingSave>; folder?: boolean } = {}) {
  const chosen: RecorderSettings = { folder: '/mnt/evidence/recordings', recordByDefault: true };
  const files: FileAccess = {
    save: vi.fn(async () => ok(true)),
    open: vi.fn(async () => ok(null)),
    saveRecording: vi.fn(async () => options.saveRecording ?? ok<RecordingSave>('saved')),
    recordingFolder: options.folder
      ? { choose: vi.fn(async () => ok<RecorderSettings | null>(chosen)), open: vi.fn(async () => ok(null)) }
      : undefined,
  };
  return files;
}

const settingsDialog = () => within(screen.getByRole('dialog', { name: 'Recording settings' }));

describe('recording settings', () => {
  it('shows the folder and switches the default; in a browser it says how the server sets the folder', async () => {
    const fake = createFakeBridge();
    fake.answer('recordingSettings', ok(SETTINGS));
    const { user } = renderApp(fake.bridge);
    await user.click(screen.getByRole('button', { name: 'Recording settings' }));
    expect(settingsDialog().getByTestId('recordings-folder')).toHaveTextContent(SETTINGS.folder);
    expect(settingsDialog().getByText('npm run serve -- --record-dir DIR')).toBeInTheDocument();
    expect(settingsDialog().queryByRole('button', { name: 'Change folder…' })).not.toBeInTheDocument();

    const toggle = settingsDialog().getByRole('switch', { name: 'Record new sessions' });
    expect(toggle).toBeChecked();
    fake.answer('recordingSettings', ok({ ...SETTINGS, recordByDefault: false }));
    await user.click(toggle);
    expect(fake.spies.recordingSettings).toHaveBeenLastCalledWith({ recordByDefault: false });
    await waitFor(() => expect(settingsDialog().getByRole('switch', { name: 'Record new sessions' })).not.toBeChecked());
  });

  it('in the desktop app changes the folder through the host and opens it', async () => {
    const fake = createFakeBridge();
    fake.answer('recordingSettings', ok(SETTINGS));
    const files = stubFiles({ folder: true });
    const { user } = renderAppWith(fake.bridge, { files });
    await user.click(screen.getByRole('button', { name: 'Recording settings' }));
    await user.click(settingsDialog().getByRole('button', { name: 'Change folder…' }));
    await waitFor(() => expect(settingsDialog().getByTestId('recordings-folder')).toHaveTextContent('/mnt/evidence/recordings'));
    await user.click(settingsDialog().getByRole('button', { name: 'Open folder' }));
    expect(files.recordingFolder!.open).toHaveBeenCalledTimes(1);
    expect(settingsDialog().queryByText('npm run serve -- --record-dir DIR')).not.toBeInTheDocument();
  });

  it('without a recorder says why, and offers no recording anywhere', async () => {
    const fake = createFakeBridge();
    fake.answer(
      'recordingSettings',
      failWith(
        AppCode.BadState,
        'Recording is not available here: this process was started without a recorder.',
        'Use the desktop app, "npm run serve", or the CLI with --record-dir.',
      ),
    );
    fake.answer('list', ok([sessionInfo({ id: 's1', port: 4242 })]));
    const { user } = renderApp(fake.bridge);
    await screen.findByText('127.0.0.1:4242', { selector: 'h2 span' });
    expect(screen.queryByRole('region', { name: 'Recording' })).not.toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Recording settings' }));
    expect(settingsDialog().getByText('Recording is not available here: this process was started without a recorder.')).toBeInTheDocument();
    await user.keyboard('{Escape}');
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    const d = await openDialog(user);
    expect(d.queryByRole('checkbox', { name: 'Record to disk' })).not.toBeInTheDocument();
  });
});

describe('the recording of a session', () => {
  it('follows recording events: file, size, and a failure said once with its hint', async () => {
    const fake = createFakeBridge();
    const { user } = renderApp(fake.bridge);
    fake.emit(sessionEvent(sessionInfo({ id: 's1', port: 4242 })));
    const status = await screen.findByTestId('recording-status');
    expect(status).toHaveTextContent('Not recording');

    await user.click(screen.getByRole('button', { name: 'Start recording' }));
    expect(fake.spies.record).toHaveBeenCalledWith({ sessionId: 's1', action: 'start' });
    fake.emit(recordingEvent('s1', recordingInfo({ bytes: (3 * 1024 * 1024) / 2 })));
    expect(status).toHaveTextContent('Recording');
    expect(status).toHaveTextContent('s1-tcp-server-20250101-120000.jsonl');
    expect(status).toHaveTextContent('1.5 MiB');

    const error = errorOf(
      'ENOSPC',
      'Recording of session s1 stopped: writing the file failed: the disk is full (ENOSPC).',
      'Free some space.',
    );
    fake.emit(recordingEvent('s1', recordingInfo({ active: false, error })), { type: 'error', at: Date.now(), sessionId: 's1', error });
    expect(await screen.findByText('Recording to s1-tcp-server-20250101-120000.jsonl stopped')).toBeInTheDocument();
    expect(screen.getAllByText(error.message)).toHaveLength(1);
    expect(screen.getByText('What to do: Free some space.')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Dismiss' }));
    expect(screen.queryByText(error.message)).not.toBeInTheDocument();
  });

  it('saves the recording in each format through FileAccess', async () => {
    const fake = createFakeBridge();
    const files = stubFiles();
    const { user } = renderAppWith(fake.bridge, { files });
    fake.emit(sessionEvent(sessionInfo({ id: 's1', port: 4242, recording: recordingInfo() })));
    const formats = [
      ['JSON Lines (.jsonl): lossless, reopens here', 'jsonl'],
      ['Text dump (.txt): hex and text, for reading', 'text'],
      ['pcapng (.pcapng): for Wireshark and tshark', 'pcapng'],
    ] as const;
    for (const [label, format] of formats) {
      await user.click(await screen.findByRole('button', { name: 'Save transcript…' }));
      await user.click(within(screen.getByRole('menu')).getByRole('menuitem', { name: label }));
      expect(files.saveRecording).toHaveBeenLastCalledWith('s1', format);
      await waitFor(() => expect(screen.queryByRole('menu')).not.toBeInTheDocument());
    }
    expect(await screen.findByText('Transcript saved.')).toBeInTheDocument();
  });

  it('says why a save failed', async () => {
    const fake = createFakeBridge();
    const files = stubFiles({
      saveRecording: failWith('EACCES', 'Cannot write /root/out.pcapng: permission denied (EACCES).', 'Choose a folder you can write to.'),
    });
    const { user } = renderAppWith(fake.bridge, { files });
    fake.emit(sessionEvent(sessionInfo({ id: 's1', port: 4242, recording: recordingInfo({ active: false }) })));
    await user.click(await screen.findByRole('button', { name: 'Save transcript…' }));
    await user.click(screen.getByRole('menuitem', { name: /^pcapng/ }));
    expect(await screen.findByText('Could not save the transcript')).toBeInTheDocument();
    expect(screen.getByText('Cannot write /root/out.pcapng: permission denied (EACCES).')).toBeInTheDocument();
  });

  it('in a browser downloads the recording from the server, same origin, naming no path', async () => {
    const fake = createFakeBridge();
    const clicked: { href: string; download: string }[] = [];
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicked.push({ href: this.getAttribute('href') ?? '', download: this.download });
    });
    const { user } = renderApp(fake.bridge);
    fake.emit(sessionEvent(sessionInfo({ id: 's/1', port: 4242, recording: recordingInfo() })));
    await user.click(await screen.findByRole('button', { name: 'Save transcript…' }));
    await user.click(screen.getByRole('menuitem', { name: /^pcapng/ }));
    expect(clicked).toEqual([{ href: '/recordings/s%2F1?format=pcapng', download: '' }]);
    expect(await screen.findByText('Download started: the browser saves the file to its downloads folder.')).toBeInTheDocument();
  });
});

describe('FileAccess for recordings', () => {
  it('in the desktop app asks main to save and to pick or show the folder; the page names no path', async () => {
    const fake = createFakeBridge();
    const host = {
      saveFile: vi.fn(),
      openFile: vi.fn(),
      openKeyFile: vi.fn(),
      exportKey: vi.fn(),
      saveRecording: vi.fn(async () => ok({ saved: true, name: 's1.pcapng' })),
      chooseRecordingFolder: vi.fn(async () => ok(null)),
      openRecordingFolder: vi.fn(async () => ok(null)),
    };
    const files = filesFor({ ...fake.bridge, ...host } as unknown as ElectronBridge);
    expect(await files.saveRecording('s1', 'pcapng')).toEqual(ok('saved'));
    expect(host.saveRecording).toHaveBeenCalledWith({ sessionId: 's1', format: 'pcapng' });
    expect(await files.recordingFolder!.choose()).toEqual(ok(null));
    expect(host.chooseRecordingFolder).toHaveBeenCalledWith({});
    await files.recordingFolder!.open();
    expect(host.openRecordingFolder).toHaveBeenCalledWith({});
    // Browser mode has no host: the folder is the server's to choose.
    expect(filesFor(fake.bridge).recordingFolder).toBeUndefined();
  });
});
