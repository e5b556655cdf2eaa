import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { onTestFinished } from 'vitest';
import { Recorder, type RecorderOptions } from '@recorder/recorder';
import { startBrowserServer, type BrowserServer } from '@server/browser-server';
import { tempDir } from './temp-dir';

export const TOKEN = 'test-token-0123456789abcdef';

/**
 * Browser mode on a loopback port, with a stand-in page (these tests are about the server, not
 * the page) and a real recorder writing into a fresh temp folder. Both go when the test ends.
 * Call it from a test or a beforeEach.
 */
export async function recordingServer(
  recorderOptions: Partial<Omit<RecorderOptions, 'folder' | 'app'>> = {},
): Promise<{ server: BrowserServer; recorder: Recorder; dir: string }> {
  const dir = await tempDir('si-server-');
  await writeFile(path.join(dir, 'index.html'), '<!doctype html><title>Socket Inspector</title>');
  const recorder = new Recorder({
    folder: path.join(dir, 'recordings'),
    app: { name: 'Socket Inspector', version: 'test' },
    ...recorderOptions,
  });
  const server = await startBrowserServer({ host: '127.0.0.1', port: 0, token: TOKEN, staticRoot: dir, version: 'test', recorder });
  // Registered after the folder's removal, so it runs before it: the server closes its recordings first.
  onTestFinished(() => server.close());
  return { server, recorder, dir };
}
