import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { root } from './apps';

/**
 * The scanner that test-all.sh runs over the logs of the e2e run (issue 15: secrets never in logs), run here on
 * log lines written for it: it must flag each kind of secret and pass what the apps really log (redacted values).
 */
function scan(lines: string[]): { status: number | null; output: string } {
  const directory = mkdtempSync(join(tmpdir(), 'app-logs-'));
  try {
    writeFileSync(join(directory, 'api-1.log'), `${lines.join('\n')}\n`);
    const result = spawnSync(process.execPath, [join(root, 'scripts/scan-app-logs.js'), directory], { encoding: 'utf8' });
    return { status: result.status, output: result.stdout + result.stderr };
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

describe('scan-app-logs', () => {
  it('passes structured logs whose secrets are redacted', () => {
    const result = scan([
      '{"level":30,"req":{"id":"r-1","method":"POST","url":"/api/login"},"res":{"statusCode":200},"msg":"request completed"}',
      '{"level":30,"req":{"url":"/api/user/validation_account?email=a@b.test&token=[redacted]","headers":{"authorization":"[redacted]","x-api-key":"[redacted]"}}}',
      '{"level":40,"body":{"username":"owner","password":"[redacted]"},"msg":"refused"}',
    ]);
    expect(result).toEqual({ status: 0, output: expect.stringContaining('0 secret(s) found') });
  });

  it.each([
    ['a user token', '{"msg":"issued eyJhbGciOiJSUzI1NiJ9.eyJjbGFpbXMiOiJ1c2VyIn0.c2lnbmF0dXJlLXNpZ25hdHVyZS1zaWduYXR1cmU"}'],
    ['a PEM private key', '-----BEGIN PRIVATE KEY-----'],
    ['an OpenSSH private key', '-----BEGIN OPENSSH PRIVATE KEY-----'],
    ['a bearer header', '{"req":{"headers":{"authorization":"Bearer abc.def.ghi"}}}'],
    ['an API key header', '{"req":{"headers":{"x-api-key":"0b6c2f4e-6d8f-4a3a-9a53-2b1d7d0a1c11"}}}'],
    ['a password field', '{"body":{"password":"hunter22"}}'],
    ['a reset token in a URL', '{"req":{"url":"/api/user/validation_account?email=a@b.test&token=4f1c2b7a9e"}}'],
    ['a test password in a message', 'login failed for owner with owner-password-1'],
    ['a Stripe key', 'using sk_test_51HqX0000000000000000'],
  ])('flags %s', (_kind, line) => {
    const result = scan(['{"msg":"fine"}', line]);
    expect(result.status).toBe(1);
    expect(result.output).toMatch(/api-1\.log:2: /);
  });

  it('fails when there is nothing to scan', () => {
    const directory = join(tmpdir(), `no-app-logs-${process.pid}`);
    const result = spawnSync(process.execPath, [join(root, 'scripts/scan-app-logs.js'), directory], { encoding: 'utf8' });
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('nothing was proved');
  });
});
