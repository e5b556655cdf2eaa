import path from 'node:path';
import { stat } from 'node:fs/promises';
import { Recorder } from '@recorder/recorder';
import { commandLineFolder, defaultRecordingsFolder } from '@recorder/recordings-folder';
import type { Result } from '@shared/result';
import { isLoopbackHost } from './access';
import { startBrowserServer } from './browser-server';
import { configDir } from './config-dir';
import { parseServeOptions } from './serve-options';
import { savedToken } from './saved-token';
import { version } from '../../package.json';

/**
 * The recorder, its settings remembered beside the token; the command line's choices are
 * applied (and remembered) before any session opens.
 */
async function startRecorder(recordDir: string | undefined, record: boolean | undefined): Promise<Result<Recorder>> {
  const recorder = new Recorder({
    folder: defaultRecordingsFolder(),
    settingsFile: path.join(configDir(), 'recorder.json'),
    app: { name: 'Socket Inspector', version },
  });
  if (recordDir !== undefined) {
    const set = await recorder.setFolder(commandLineFolder(recordDir));
    if (!set.ok) return set;
  }
  if (record !== undefined) {
    const set = await recorder.settings({ recordByDefault: record });
    if (!set.ok) return set;
  }
  return { ok: true, value: recorder };
}

/** `npm run serve`: the app in a browser, for machines where Electron cannot run. */
async function main(): Promise<number> {
  const parsed = parseServeOptions(process.argv.slice(2));
  if (!parsed.ok) {
    process.stderr.write(`${parsed.message}\n`);
    return 2;
  }
  const { host, port, open, token, recordDir, record } = parsed.options;
  const staticRoot = path.resolve(import.meta.dirname, '../renderer');
  if (!(await stat(path.join(staticRoot, 'index.html')).catch(() => undefined))) {
    process.stderr.write(`The built page is missing at ${staticRoot}; run "npm run build" first.\n`);
    return 1;
  }
  if (!isLoopbackHost(host)) {
    process.stderr.write(
      `WARNING: listening on ${host}: anyone who can reach this machine and learns the token can open sockets from it.\n`,
    );
  }
  const recorder = await startRecorder(recordDir, record);
  if (!recorder.ok) {
    process.stderr.write(`${recorder.error.message}\n${recorder.error.hint}\n`);
    return 1;
  }
  let server;
  try {
    server = await startBrowserServer({
      host,
      port,
      staticRoot,
      version,
      token: token ?? (await savedToken(configDir())),
      recorder: recorder.value,
      // The private keys of saved sessions, owner-only, beside the token.
      keyFolder: path.join(configDir(), 'keys'),
    });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'EADDRINUSE' ? `port ${port} is in use; pass --port with another port, or --port 0 for a free one` : (err as Error).message;
    process.stderr.write(`Could not start the server on ${host}:${port}: ${why}.\n`);
    return 1;
  }
  const recording = recorder.value.recordByDefault
    ? `Sessions are recorded into ${recorder.value.folder}`
    : `Sessions record only when asked to, into ${recorder.value.folder}`;
  process.stdout.write(`Socket Inspector is running. Open:\n\n  ${server.url}\n\n${recording}.\nPress Ctrl+C to stop.\n`);
  if (open) {
    const { default: openUrl } = await import('open');
    await openUrl(server.url).catch(() => process.stderr.write('Could not open a browser; open the URL above yourself.\n'));
  }
  const stop = () => {
    void server.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return -1;
}

void main().then((code) => {
  if (code >= 0) process.exit(code);
});
