/**
 * The Modbus-RTU-like python3 device of fixtures/modbus_device.py, started on a free loopback
 * port: engine, CLI and e2e tests drive the same real peer.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const DEVICE = fileURLToPath(new URL('./fixtures/modbus_device.py', import.meta.url));

/** The device's port, and its lines as they come ("rx 0103… crc ok"); `cleanup` stops it. */
export async function startModbusDevice(cleanup: (fn: () => void) => void): Promise<{ port: number; lines: string[] }> {
  const child = spawn('python3', [DEVICE]);
  cleanup(() => {
    child.kill();
  });
  const lines: string[] = [];
  const reader = createInterface({ input: child.stdout });
  const port = await new Promise<number>((resolve, reject) => {
    child.on('error', reject);
    reader.on('line', (line) => {
      if (line.startsWith('port ')) resolve(Number(line.slice(5)));
      else lines.push(line);
    });
  });
  return { port, lines };
}

/** CRC-16/MODBUS of hex text as it travels (low byte first), by the bitwise definition. */
export function modbusCrcHex(hexText: string): string {
  const bytes = Buffer.from(hexText.replace(/ /g, ''), 'hex');
  let crc = 0xffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xa001 : crc >>> 1;
  }
  return Buffer.from([crc & 0xff, crc >>> 8]).toString('hex');
}
