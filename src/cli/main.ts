import { parseArgs } from 'node:util';
import { runStdio } from './stdio';
import { version } from '../../package.json';

const USAGE = `Usage: npm run -s cli -- --stdio [--bytes base64|hex]

  --stdio   read one JSON command per line on stdin, write one JSON result or event per line on
            stdout; see docs/automation.md
  --bytes   how event bytes are written: base64 (default) or hex`;

async function main(): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: process.argv.slice(2),
      options: { stdio: { type: 'boolean', default: false }, bytes: { type: 'string', default: 'base64' }, help: { type: 'boolean', default: false } },
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
  await runStdio({ input: process.stdin, output: process.stdout, bytes: values.bytes, version });
  return 0;
}

void main().then((code) => {
  process.exitCode = code;
});
