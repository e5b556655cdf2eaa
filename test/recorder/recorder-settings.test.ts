/** The recorder's settings: remembered in a file between runs, and a broken file is no obstacle. */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Recorder } from '@recorder/recorder';
import { defaultRecordingsFolder } from '@recorder/recordings-folder';
import { APP } from '../support/recorder';
import { tempDir } from '../support/temp-dir';

describe('recorder settings', () => {
  it('keeps the folder and the default across a restart on the same settings file', async () => {
    const dir = await tempDir();
    const settingsFile = path.join(dir, 'config', 'recorder.json');
    const first = new Recorder({ app: APP, folder: path.join(dir, 'default'), settingsFile });
    expect(await first.settings({})).toEqual({ ok: true, value: { folder: path.join(dir, 'default'), recordByDefault: true } });
    expect(await first.settings({ recordByDefault: false })).toEqual({
      ok: true,
      value: { folder: path.join(dir, 'default'), recordByDefault: false },
    });
    expect(await first.setFolder(path.join(dir, 'chosen'))).toEqual({
      ok: true,
      value: { folder: path.join(dir, 'chosen'), recordByDefault: false },
    });
    await first.dispose();

    const second = new Recorder({ app: APP, folder: path.join(dir, 'default'), settingsFile });
    expect(second.recordByDefault).toBe(false);
    expect(second.folder).toBe(path.join(dir, 'chosen'));
    expect(JSON.parse(await readFile(settingsFile, 'utf8'))).toEqual({ folder: path.join(dir, 'chosen'), recordByDefault: false });
  });

  it.each([
    ['not JSON', '{"folder": '],
    ['the wrong shape', '{"folder": 42, "recordByDefault": "yes"}'],
    ['a relative folder', '{"folder": "relative", "recordByDefault": false}'],
    ['an array', '[]'],
  ])('falls back to the defaults when the file is %s', async (_name, text) => {
    const dir = await tempDir();
    const settingsFile = path.join(dir, 'recorder.json');
    await writeFile(settingsFile, text);
    const recorder = new Recorder({ app: APP, folder: path.join(dir, 'default'), recordByDefault: true, settingsFile });
    expect(await recorder.settings({})).toEqual({ ok: true, value: { folder: path.join(dir, 'default'), recordByDefault: true } });
  });

  it('answers an error and keeps the old value when the settings cannot be saved', async () => {
    const dir = await tempDir();
    const blocker = path.join(dir, 'a-file');
    await writeFile(blocker, '');
    const recorder = new Recorder({ app: APP, folder: dir, settingsFile: path.join(blocker, 'recorder.json') });
    const result = await recorder.settings({ recordByDefault: false });
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'EEXIST', message: expect.stringMatching(/a-file\/recorder.json: a file of that name is in the way/) },
    });
    expect(recorder.recordByDefault).toBe(true);
  });

  it('defaults to Documents/Socket Inspector/Recordings where a Documents folder exists', async () => {
    const home = await tempDir();
    expect(defaultRecordingsFolder(home)).toBe(path.join(home, 'Socket Inspector Recordings'));
    await mkdir(path.join(home, 'Documents'));
    expect(defaultRecordingsFolder(home)).toBe(path.join(home, 'Documents', 'Socket Inspector', 'Recordings'));
  });
});
