import type { IncomingMessage, ServerResponse } from 'node:http';
import { checkHealth } from './health.service';
import { requestIdOf } from './logging.module';

describe('checkHealth', () => {
  it('is ok only when every dependency is up', async () => {
    const up = { name: 'database', check: async () => 'up' as const };
    const down = { name: 'redis', check: async () => 'down' as const };
    expect(await checkHealth('api', '1.0.0', [up])).toEqual({ status: 'ok', service: 'api', version: '1.0.0', checks: { database: 'up' } });
    expect((await checkHealth('api', '1.0.0', [up, down])).status).toBe('unavailable');
  });
});

describe('requestIdOf', () => {
  const response = () => {
    const headers: Record<string, string> = {};
    return { headers, setHeader: (name: string, value: string) => (headers[name] = value) } as unknown as ServerResponse & {
      headers: Record<string, string>;
    };
  };

  it('keeps a well-formed incoming id and echoes it', () => {
    const res = response();
    expect(requestIdOf({ headers: { 'x-request-id': 'abc-12345678' } } as unknown as IncomingMessage, res)).toBe('abc-12345678');
  });

  it('replaces an id that could forge log lines', () => {
    const res = response();
    const id = requestIdOf({ headers: { 'x-request-id': 'x"\n{"level":"fatal"}' } } as unknown as IncomingMessage, res);
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
  });
});
