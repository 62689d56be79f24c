import { Writable } from 'node:stream';
import { createLogger } from './create-logger';
import { redactUrlCredentials } from './redaction';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()));
      done();
    },
  });
  return { lines, destination };
}

describe('createLogger', () => {
  it('writes structured JSON lines with the service name', () => {
    const { lines, destination } = capture();
    createLogger({ service: 'api', level: 'info', destination }).info({ requestId: 'r-1' }, 'hello');
    expect(lines[0]).toMatchObject({ service: 'api', level: 'info', requestId: 'r-1', msg: 'hello' });
  });

  it('never writes secrets', () => {
    const { lines, destination } = capture();
    createLogger({ service: 'api', level: 'info', destination }).info({
      req: { headers: { authorization: 'Bearer abc.def', 'x-api-key': 'key-123' } },
      body: { password: 'hunter22', token: 'jwt', code: '123456' },
    });
    const text = JSON.stringify(lines[0]);
    for (const secret of ['abc.def', 'key-123', 'hunter22', '"jwt"', '123456']) expect(text).not.toContain(secret);
    expect(text).toContain('[redacted]');
  });

  it('hides passwords in connection URLs', () => {
    expect(redactUrlCredentials('mongodb://admin:s3cret@db:27017/x')).toBe('mongodb://admin:[redacted]@db:27017/x');
  });
});
