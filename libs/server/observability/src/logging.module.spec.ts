import { serializeRequest } from './logging.module';

describe('request log lines', () => {
  it('do not carry the confirmation, reset or invitation secrets a URL’s query string holds', () => {
    const token = 'b3c1f0e2d4a5968778695a4b3c2d1e0f';
    const sig = 'ZmFrZS1zaWduYXR1cmUtZm9yLXRlc3Q';
    for (const url of [
      `/api/user/validation_account?email=ada%40example.test&token=${token}`,
      `/api/user/recover?token=${token}&other=1`,
      `/api/namespaces/x/members/accept-invite?sig=${sig}&tenant=t`,
      `/api/setup?SIG=${sig}`,
    ]) {
      const logged = serializeRequest({ id: 'r-1', method: 'GET', url });
      expect(logged.url).not.toContain(token);
      expect(logged.url).not.toContain(sig);
      expect(logged.url).toContain('[redacted]');
    }
    expect(serializeRequest({ id: 'r-2', method: 'GET', url: '/api/devices?page=1&status=' }).url).toBe(
      '/api/devices?page=1&status=',
    );
  });
});
