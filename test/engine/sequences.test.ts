/**
 * Macros, checksums and sequences in the engine against a real device: a python3 program that
 * speaks a Modbus-RTU-like framing over TCP, checks every request's CRC-16/MODBUS with its own
 * bit-by-bit CRC, and answers with a valid CRC or, for one register, a corrupted one. A sequence
 * that passes, one that fails at a named step on the corrupted reply, one that times out, and Stop.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { argSchemas, type MethodArgs, type SequenceInput, type SequenceStepInput } from '@shared/contract';
import { disposeAll, onCleanup, startEngine, type Engine } from '../support/engine';
import { modbusCrcHex, startModbusDevice } from '../support/modbus-device';

afterEach(disposeAll);

const startDevice = () => startModbusDevice(onCleanup);
const crcHex = modbusCrcHex;

async function connected(engine: Engine, port: number): Promise<string> {
  const session = await engine.openOk({ kind: 'tcp-client', host: '127.0.0.1', port });
  await engine.waitFor(async () => (await engine.info(session.id)).connections.length === 1, 5000, 'the connection');
  return session.id;
}

const MODBUS = { algorithm: 'crc16-modbus' } as const;
const FRAMING = { mode: 'gap', gapMs: 30 } as const;

const read = (name: string, register: string): SequenceStepInput[] => [
  { kind: 'send', name: `ask ${name}`, payload: { format: 'hex', value: `01 03 00 ${register} 00 02`, checksum: MODBUS } },
  {
    kind: 'expect',
    name,
    match: { on: 'hex', kind: 'starts', pattern: '01 03 04' },
    timeoutMs: 3000,
    checksum: MODBUS,
  },
];

function sequence(engine: Engine, args: MethodArgs<'sequence'>) {
  return engine.manager.sequence(argSchemas.sequence.parse(args));
}

describe('sequences against a Modbus-RTU-like python3 device', () => {
  it('passes: requests with a counter macro and a CRC appended, each reply matched and its CRC verified', async () => {
    const device = await startDevice();
    const engine = startEngine();
    const sessionId = await connected(engine, device.port);
    const poll: SequenceInput = {
      name: 'poll',
      framing: FRAMING,
      steps: [
        ...read('first read', '00'),
        {
          kind: 'repeat',
          name: 'walk',
          times: 3,
          steps: [
            {
              kind: 'send',
              name: 'ask next',
              payload: { format: 'hex', value: '01 03 00 {{counter start=16 bytes=1}} 00 01', checksum: MODBUS },
            },
            {
              kind: 'expect',
              name: 'next',
              match: { on: 'hex', kind: 'starts', pattern: '01 03 02 01' },
              timeoutMs: 3000,
              checksum: MODBUS,
            },
            { kind: 'wait', name: 'pause', ms: 5 },
          ],
        },
      ],
    };
    const result = await sequence(engine, { sessionId, action: 'run', sequence: poll });
    expect(result).toMatchObject({ ok: true, value: { state: 'passed', stepsDone: 2 + 3 * 3 + 1 } });
    // What the device received: each request's CRC right by its own count, the counter at 16, 17, 18.
    expect(device.lines).toEqual([
      `rx 010300000002${crcHex('010300000002')} crc ok`,
      ...[0x10, 0x11, 0x12].map((n) => {
        const body = `010300${n.toString(16)}0001`;
        return `rx ${body}${crcHex(body)} crc ok`;
      }),
    ]);
    engine.manager.flush();
    const progress = engine.ofType('sequence', (e) => e.sessionId === sessionId).map((e) => e.status.state);
    expect(progress[0]).toBe('running');
    expect(progress.at(-1)).toBe('passed');
  });

  it('fails at the named step when the device corrupts its CRC, with the expected and the received value', async () => {
    const device = await startDevice();
    const engine = startEngine();
    const sessionId = await connected(engine, device.port);
    const result = await sequence(engine, {
      sessionId,
      action: 'run',
      sequence: {
        name: 'fault',
        framing: FRAMING,
        steps: [...read('good read', '00'), ...read('faulty read', '63'), ...read('never', '01')],
      },
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('SEQUENCE_FAILED');
    const body = Uint8Array.of(1, 3, 4, 0x01, 0x63, 0x01, 0x64);
    const good = crcHex(Buffer.from(body).toString('hex'));
    const bad = `${(parseInt(good.slice(0, 2), 16) ^ 0xff).toString(16).padStart(2, '0')}${good.slice(2)}`;
    // The CRC travels low byte first; the message names it as a number, high byte first.
    const asNumber = (lowFirst: string) => `${lowFirst.slice(2)}${lowFirst.slice(0, 2)}`.toUpperCase();
    expect(result.error.message).toBe(
      `Sequence "fault" failed at step 4 "faulty read": a message matched, but its CRC-16/MODBUS is wrong: expected ${asNumber(good)}, received ${asNumber(bad)}.`,
    );
    engine.manager.flush();
    const last = engine.ofType('sequence', (e) => e.sessionId === sessionId).at(-1)!.status;
    expect(last).toMatchObject({ state: 'failed', stepsDone: 3, step: { path: [3], name: 'faulty read', kind: 'expect' } });
    expect(device.lines).toHaveLength(2);
  });

  it('fails when nothing matches within the timeout, and Stop ends a run at once', async () => {
    const device = await startDevice();
    const engine = startEngine();
    const sessionId = await connected(engine, device.port);
    const silent = await sequence(engine, {
      sessionId,
      action: 'run',
      sequence: {
        name: 'write',
        framing: FRAMING,
        steps: [
          { kind: 'send', name: 'write register', payload: { format: 'hex', value: '01 06 00 01 00 05', checksum: MODBUS } },
          { kind: 'expect', name: 'echo', match: { on: 'hex', kind: 'starts', pattern: '01 06' }, timeoutMs: 300 },
        ],
      },
    });
    expect(silent).toMatchObject({
      ok: false,
      error: { message: 'Sequence "write" failed at step 2 "echo": no message matched the hex pattern 01 06 within 300 ms.' },
    });

    const started = await sequence(engine, {
      sessionId,
      action: 'start',
      sequence: { name: 'long', steps: [{ kind: 'wait', name: 'a long wait', ms: 60_000 }] },
    });
    expect(started).toMatchObject({ ok: true, value: { state: 'running' } });
    const stopped = await sequence(engine, { sessionId, action: 'stop' });
    expect(stopped.ok).toBe(true);
    await engine.waitFor(
      () => engine.ofType('sequence', (e) => e.status.name === 'long' && e.status.state === 'stopped').length === 1,
      2000,
      'the stop',
    );
    const last = engine.ofType('sequence', (e) => e.status.name === 'long').at(-1)!.status;
    expect(last.error?.message).toBe('Sequence "long" stopped at step 1 "a long wait": you stopped it.');
    expect(await sequence(engine, { sessionId, action: 'stop' })).toMatchObject({ ok: false, error: { code: 'BAD_STATE' } });
  });

  it('a payload that cannot be made is refused before anything is sent, naming its step', async () => {
    const device = await startDevice();
    const engine = startEngine();
    const sessionId = await connected(engine, device.port);
    const result = await sequence(engine, {
      sessionId,
      action: 'run',
      sequence: {
        name: 'typo',
        steps: [
          { kind: 'send', payload: { format: 'hex', value: '01 03' } },
          { kind: 'repeat', times: 2, steps: [{ kind: 'send', name: 'bad', payload: { format: 'hex', value: '01 {{countr}}' } }] },
        ],
      },
    });
    expect(result).toMatchObject({
      ok: false,
      error: {
        code: 'INVALID_ARGUMENT',
        message: expect.stringMatching(/^Step 2\.1 "bad": Hex payload: \{\{countr\}\} at position 3 is not a macro/),
      },
    });
    expect(device.lines).toEqual([]);
  });
});

describe('macros at send time', () => {
  it('each send, repeat run and preview fills in the counter afresh; the preview does not advance it', async () => {
    const device = await startDevice();
    const engine = startEngine();
    const sessionId = await connected(engine, device.port);
    const payload = { format: 'hex', value: '01 03 00 {{counter start=32 bytes=1}} 00 01', checksum: MODBUS } as const;
    const preview = await engine.manager.preview(argSchemas.preview.parse({ sessionId, payload }));
    expect(preview.ok && Buffer.from(preview.value.bytes).toString('hex')).toBe(
      `0103002000 01${crcHex('0103002000 01')}`.replace(/ /g, ''),
    );
    expect((await engine.send(sessionId, payload)).ok).toBe(true);
    const repeat = await engine.manager.repeat(argSchemas.repeat.parse({ sessionId, action: 'start', payload, intervalMs: 20, count: 2 }));
    expect(repeat.ok).toBe(true);
    await engine.until(() => device.lines.length === 3, 5000, 'three requests at the device');
    expect(device.lines).toEqual(
      [0x20, 0x21, 0x22].map((n) => `rx 010300${n.toString(16)}0001${crcHex(`010300${n.toString(16)}0001`)} crc ok`),
    );
  });
});
