import { describe, expect, it } from 'vitest';
import { argSchemas } from '@shared/contract';
import { sessionEndpoint } from '@renderer/sessions/session-format';

describe('sessionEndpoint', () => {
  const config = argSchemas.open.parse({ config: { kind: 'tcp-server', host: 'localhost', port: 4000 } }).config;

  it('names every address a listener on a host name is bound to', () => {
    const locals = [
      { address: '::1', port: 4000, family: 'IPv6' as const },
      { address: '127.0.0.1', port: 4000, family: 'IPv4' as const },
    ];
    expect(sessionEndpoint({ kind: 'tcp-server', config, local: locals[0], locals })).toBe('[::1]:4000, 127.0.0.1:4000');
  });

  it('names the configured host before the session is bound', () => {
    expect(sessionEndpoint({ kind: 'tcp-server', config, local: undefined, locals: undefined })).toBe('localhost:4000');
  });
});
