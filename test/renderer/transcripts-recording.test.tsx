/**
 * Recording in the renderer on the real engine with the real recorder: files in a fresh temp
 * folder, peers on loopback. What the indicator says is checked against what is on disk.
 */
import { readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { Recorder } from '@recorder/recorder';
import { formatByteSize } from '@renderer/format';
import { tcpPeerClient } from '../support/peers';
import { realEngine } from '../support/renderer/real-engine';
import { dialog, fillEndpoint, openDialog } from '../support/renderer/open-session';
import { renderApp } from '../support/renderer/render-app';
import { tempDir } from '../support/temp-dir';
import { readTranscript } from '../support/collect';

let folder: string;
let recorder: Recorder;
const engine = realEngine(async () => {
  folder = await tempDir('si-renderer-recording-');
  recorder = new Recorder({ folder, app: { name: 'Socket Inspector', version: 'test' } });
  return { recorder };
});
const { cleanups } = engine;

type User = ReturnType<typeof renderApp>['user'];

const recordingSection = () => within(screen.getByRole('region', { name: 'Recording' }));
const status = () => screen.getByTestId('recording-status');

/** Listen on a free port through the dialog, leaving "Record to disk" as it is unless told. */
async function listen(user: User, options: { untickRecord?: boolean } = {}): Promise<number> {
  await openDialog(user);
  await fillEndpoint(user, 'TCP server', '127.0.0.1', '0');
  if (options.untickRecord) await user.click(dialog().getByRole('checkbox', { name: 'Record to disk' }));
  await user.click(dialog().getByRole('button', { name: 'Listen' }));
  const list = await screen.findByRole('list', { name: 'Open sessions' });
  const endpoint = await within(list).findByText(/^127\.0\.0\.1:[1-9]\d*$/);
  return Number(endpoint.textContent!.split(':')[1]);
}

async function cancelDialog(user: User) {
  await user.click(dialog().getByRole('button', { name: 'Cancel' }));
  await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
}

const activeFile = (sessionId = 's1') => recorder.status(sessionId)!.fileName;

describe('recording a session', () => {
  it('shows the file being written and its size, stops with an end record, and starts a new file', async () => {
    const { user } = renderApp(engine.local.bridge);
    await openDialog(user);
    expect(dialog().getByRole('checkbox', { name: 'Record to disk' })).toBeChecked();
    expect(dialog().getByText('As in the recording settings: new sessions record.')).toBeInTheDocument();
    await cancelDialog(user);
    const port = await listen(user);

    await waitFor(() => expect(status()).toHaveTextContent('Recording'));
    const first = activeFile();
    expect(status()).toHaveTextContent(first);
    expect(within(screen.getByRole('list', { name: 'Open sessions' })).getByText('Recording')).toBeInTheDocument();
    await user.hover(screen.getByLabelText(`Recording to ${first}`));
    expect(await screen.findByRole('tooltip')).toHaveTextContent(path.join(folder, first));

    const client = await tcpPeerClient(port, cleanups);
    client.socket.write('hello over the wire');
    // The size follows the recorder's flushes: header, the connection's open record, then the data.
    await waitFor(() => expect(recorder.status('s1')!.records).toBeGreaterThanOrEqual(3));
    await waitFor(() => expect(status()).toHaveTextContent(formatByteSize(recorder.status('s1')!.bytes, (n) => n.toLocaleString('en'))));

    await user.click(recordingSection().getByRole('button', { name: 'Stop recording' }));
    await waitFor(() => expect(status()).toHaveTextContent('Not recording'));
    expect(status()).toHaveTextContent(`last file ${first}`);
    expect(within(screen.getByRole('list', { name: 'Open sessions' })).queryByText('Recording')).not.toBeInTheDocument();
    const read = readTranscript(new Uint8Array(await readFile(path.join(folder, first))));
    expect(read.outcome.ended).toBe(true);
    const data = read.records.filter((record) => record.type === 'data');
    expect(data.map((record) => Buffer.from(record.bytes).toString())).toEqual(['hello over the wire']);

    await user.click(recordingSection().getByRole('button', { name: 'Start recording' }));
    await waitFor(() => expect(status()).toHaveTextContent(/^Recording/));
    const second = activeFile();
    expect(second).not.toBe(first);
    expect(status()).toHaveTextContent(second);
    expect((await readdir(folder)).sort()).toEqual([first, second].sort());
  });

  it('opens without recording when "Record to disk" is cleared, and offers nothing to save', async () => {
    const { user } = renderApp(engine.local.bridge);
    await openDialog(user);
    await user.click(dialog().getByRole('checkbox', { name: 'Record to disk' }));
    expect(dialog().getByText('Chosen for this session; the recording settings no longer decide.')).toBeInTheDocument();
    await cancelDialog(user);
    await listen(user, { untickRecord: true });

    await waitFor(() => expect(status()).toHaveTextContent('Not recording'));
    const open = engine.local.calls.find((call) => call.method === 'open')!.args as { config: { record?: boolean } };
    expect(open.config.record).toBe(false);
    expect(await readdir(folder)).toEqual([]);
    expect(recordingSection().getByRole('button', { name: 'Save transcript…' })).toBeDisabled();
    await user.hover(recordingSection().getByRole('button', { name: 'Save transcript…' }).parentElement!);
    expect(await screen.findByRole('tooltip')).toHaveTextContent('Nothing recorded for this session');
  });

  it('a session left to the default follows the setting: off, it records nothing', async () => {
    const { user } = renderApp(engine.local.bridge);
    await user.click(screen.getByRole('button', { name: 'Recording settings' }));
    const settings = within(screen.getByRole('dialog', { name: 'Recording settings' }));
    expect(settings.getByTestId('recordings-folder')).toHaveTextContent(folder);
    await user.click(settings.getByRole('switch', { name: 'Record new sessions' }));
    await waitFor(() => expect(recorder.recordByDefault).toBe(false));
    await user.keyboard('{Escape}');
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    await openDialog(user);
    expect(dialog().getByRole('checkbox', { name: 'Record to disk' })).not.toBeChecked();
    expect(dialog().getByText('As in the recording settings: new sessions do not record.')).toBeInTheDocument();
    await fillEndpoint(user, 'TCP server', '127.0.0.1', '0');
    await user.click(dialog().getByRole('button', { name: 'Listen' }));
    await waitFor(() => expect(status()).toHaveTextContent('Not recording'));
    // Left untouched, the box adds nothing to the config: the recorder's default decided.
    const open = engine.local.calls.find((call) => call.method === 'open')!.args as { config: Record<string, unknown> };
    expect(Object.hasOwn(open.config, 'record')).toBe(false);
  });

  it('says once that the file vanished, keeps the session running, and records again into a new file', async () => {
    const { user } = renderApp(engine.local.bridge);
    const port = await listen(user);
    await waitFor(() => expect(status()).toHaveTextContent('Recording'));
    const first = activeFile();
    await waitFor(async () => expect(await readdir(folder)).toEqual([first]));
    await rm(path.join(folder, first));

    const client = await tcpPeerClient(port, cleanups);
    client.socket.write('one');
    const alert = await screen.findByText(`Recording to ${first} stopped`);
    client.socket.write('two');
    await waitFor(() =>
      expect(
        screen
          .getAllByTestId('log-payload')
          .map((node) => node.textContent)
          .join(''),
      ).toBe('onetwo'),
    );
    expect(screen.getAllByText(/was deleted/)).toHaveLength(1);
    expect(screen.getAllByText(/What to do: Records after that point were not saved/)).toHaveLength(1);
    expect(screen.queryByText('Recent errors')).not.toBeInTheDocument();
    expect(status()).toHaveTextContent('Not recording');
    expect(alert).toBeInTheDocument();

    await user.click(recordingSection().getByRole('button', { name: 'Record again' }));
    await waitFor(() => expect(status()).toHaveTextContent(/^Recording/));
    expect(activeFile()).not.toBe(first);
    expect(screen.queryByText(`Recording to ${first} stopped`)).not.toBeInTheDocument();
    expect(await readdir(folder)).toEqual([activeFile()]);
  });
});
