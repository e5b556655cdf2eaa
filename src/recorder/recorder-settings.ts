import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { RecorderSettings } from '@shared/contract';

const savedSchema = z.object({
  folder: z
    .string()
    .min(1)
    .max(4096)
    .refine((folder) => path.isAbsolute(folder)),
  recordByDefault: z.boolean(),
});

/**
 * The settings saved in `file`, or `defaults` when there are none yet or the file cannot be
 * used (unreadable, not JSON, wrong shape): a broken settings file must not stop the app.
 */
export function loadRecorderSettings(file: string, defaults: RecorderSettings): RecorderSettings {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return defaults;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return defaults;
  }
  const parsed = savedSchema.safeParse(value);
  return parsed.success ? { folder: parsed.data.folder, recordByDefault: parsed.data.recordByDefault } : defaults;
}

/** Save through a temporary file and a rename, so a crash leaves the old settings or the new. */
export async function saveRecorderSettings(file: string, settings: RecorderSettings): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const temporary = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await writeFile(temporary, `${JSON.stringify({ folder: settings.folder, recordByDefault: settings.recordByDefault }, null, 2)}\n`, {
      flag: 'wx',
    });
    await rename(temporary, file);
  } catch (err) {
    await rm(temporary, { force: true });
    throw err;
  }
}
