import { parseArgs } from 'node:util';
import { hostProblem } from '@shared/address';
import { english } from '@shared/phrase';
import { portSchema } from '@shared/contract';

export const DEFAULT_SERVE_PORT = 7357;

export interface ServeOptions {
  host: string;
  port: number;
  open: boolean;
  token: string | undefined;
  /** Record into this folder from now on (remembered). */
  recordDir: string | undefined;
  /** Whether new sessions record unless they say otherwise (remembered); undefined keeps the saved choice. */
  record: boolean | undefined;
}

export const SERVE_USAGE = `Usage: npm run serve -- [--host HOST] [--port PORT] [--open] [--token TOKEN] [--record-dir DIR] [--record | --no-record]

  --host        address to listen on (default 127.0.0.1; anything but loopback is reachable by others)
  --port        port to listen on (default ${DEFAULT_SERVE_PORT}; 0 picks a free one)
  --open        open the page in the default browser
  --token       use this access token instead of the saved one
  --record-dir  record sessions into DIR (default: Socket Inspector/Recordings in your Documents); remembered
  --no-record   new sessions do not record unless they ask to; remembered until --record`;

/** Read the command line; a problem comes back as a message naming the option and the fix. */
export function parseServeOptions(argv: string[]): { ok: true; options: ServeOptions } | { ok: false; message: string } {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        host: { type: 'string', default: '127.0.0.1' },
        port: { type: 'string', default: String(DEFAULT_SERVE_PORT) },
        open: { type: 'boolean', default: false },
        token: { type: 'string' },
        'record-dir': { type: 'string' },
        record: { type: 'boolean' },
        'no-record': { type: 'boolean' },
        help: { type: 'boolean', default: false },
      },
      strict: true,
    }));
  } catch (err) {
    return { ok: false, message: `${(err as Error).message}\n\n${SERVE_USAGE}` };
  }
  if (values.help) return { ok: false, message: SERVE_USAGE };
  const hostIssue = hostProblem(values.host);
  if (hostIssue) return { ok: false, message: `--host: ${english(hostIssue)}` };
  const port = portSchema.safeParse(/^\d+$/.test(values.port) ? Number(values.port) : Number.NaN);
  if (!port.success) return { ok: false, message: `--port: "${values.port}" is not a port; use a whole number 0–65535.` };
  if (values.token !== undefined && !/^[A-Za-z0-9_-]{16,128}$/.test(values.token)) {
    return { ok: false, message: '--token: use 16–128 letters, digits, "-" or "_".' };
  }
  if (values.record && values['no-record'])
    return { ok: false, message: '--record and --no-record contradict each other: give one of them.' };
  if (values['record-dir'] === '') return { ok: false, message: '--record-dir: name a folder.' };
  const record = values.record ? true : values['no-record'] ? false : undefined;
  return {
    ok: true,
    options: { host: values.host, port: port.data, open: values.open, token: values.token, recordDir: values['record-dir'], record },
  };
}
