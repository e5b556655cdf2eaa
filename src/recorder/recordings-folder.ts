import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { AppCode } from '@shared/errors';
import { phrase } from '@shared/phrase';
import { fail, ok, type Result } from '@shared/result';
import { fileProblem } from './recording-errors';

/**
 * Where recordings go unless the user says otherwise (the desktop app uses its platform's
 * documents folder instead): `~/Documents/Socket Inspector/Recordings` where a Documents
 * folder exists, else `~/Socket Inspector Recordings`.
 */
export function defaultRecordingsFolder(home: string = os.homedir()): string {
  const documents = path.join(home, 'Documents');
  return existsSync(documents) ? path.join(documents, 'Socket Inspector', 'Recordings') : path.join(home, 'Socket Inspector Recordings');
}

/**
 * Check that recordings can be written into a folder: it is an absolute path, it exists or can
 * be created, and a file can be created in it (a probe file, removed again).
 */
export async function checkRecordingsFolder(folder: string): Promise<Result<string>> {
  if (!path.isAbsolute(folder)) {
    return fail(AppCode.InvalidArgument, phrase('record.folderRelative', { folder }), phrase('hint.folderFullPath'));
  }
  const resolved = path.resolve(folder);
  const probe = path.join(resolved, `.socket-inspector-probe-${randomBytes(6).toString('hex')}`);
  try {
    await mkdir(resolved, { recursive: true });
    await writeFile(probe, '', { flag: 'wx' });
  } catch (err) {
    const { code, problem, hint } = fileProblem(err);
    return fail(code, phrase('record.folderUnwritable', { folder: resolved, problem, code }), hint);
  } finally {
    await rm(probe, { force: true }).catch(() => undefined);
  }
  return ok(resolved);
}

/**
 * A folder named on the command line, as a full path. `npm run` starts scripts in the
 * package's folder, so a relative path is taken from where the user typed the command.
 */
export function commandLineFolder(folder: string): string {
  return path.resolve(process.env['INIT_CWD'] ?? process.cwd(), folder);
}
