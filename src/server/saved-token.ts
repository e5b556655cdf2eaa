import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { newToken } from './access';

const TOKEN_FILE = 'browser-token';

/**
 * The token is kept between runs so a page left open reconnects after the server restarts. It
 * is written to a temporary file and renamed, readable by the user only.
 */
export async function savedToken(dir: string): Promise<string> {
  const file = path.join(dir, TOKEN_FILE);
  const existing = await readFile(file, 'utf8').catch(() => '');
  if (/^[A-Za-z0-9_-]{16,128}$/.test(existing.trim())) return existing.trim();
  const token = newToken();
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, token, { mode: 0o600 });
  await rename(temporary, file);
  return token;
}
