import { parseArgs } from 'node:util';
import { runStdio, stdioRecorder } from './stdio';
import { runTranscriptCommand } from './transcript-command';
import { version } from '../../package.json';

const USAGE = `Usage: npm run -s cli -- --stdio [--bytes base64|hex] [--lossless] [--record-dir DIR]
       npm run -s cli -- transcript verify|export|convert FILE …

  --stdio      read one JSON command per line on stdin, write one JSON result or event per line on
               stdout; see docs/automation.md
  --bytes      how event bytes are written: base64 (default) or hex
  --lossless   every byte received over TCP appears in the data events: reading from peers pauses
               while stdout is behind, instead of data being counted as not shown
  --record-dir record every session into a transcript file in DIR (created if missing)
  transcript   check, export or convert a recorded transcript; see transcript --help`;

async function main(): Promise<number> {
  if (process.argv[2] === 'transcript') return runTranscriptCommand(process.argv.slice(3));
  let values;
  try {
    ({ values } = parseArgs({
      args: process.argv.slice(2),
      options: {
        stdio: { type: 'boolean', default: false },
        bytes: { type: 'string', default: 'base64' },
        'record-dir': { type: 'string' },
        lossless: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
      strict: true,
    }));
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  if (values.help || !values.stdio) {
    process.stderr.write(`${USAGE}\n`);
    return values.help ? 0 : 2;
  }
  if (values.bytes !== 'base64' && values.bytes !== 'hex') {
    process.stderr.write(`--bytes: "${values.bytes}" is not base64 or hex.\n`);
    return 2;
  }
  const recorder = values['record-dir'] === undefined ? undefined : await stdioRecorder(values['record-dir'], version);
  if (recorder && !recorder.ok) {
    process.stderr.write(`--record-dir: ${recorder.error.message}\n${recorder.error.hint}\n`);
    return 2;
  }
  await runStdio({
    input: process.stdin,
    output: process.stdout,
    bytes: values.bytes,
    lossless: values.lossless,
    version,
    ...(recorder ? { recorder: recorder.value } : {}),
  });
  return 0;
}

void main().then((code) => {
  process.exitCode = code;
});
