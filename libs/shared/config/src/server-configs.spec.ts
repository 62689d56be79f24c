import { ConfigValidationError } from './config-validation.error';
import { loadApiConfig, loadSshConfig, loadWorkerConfig } from './server-configs';

const valid = { MONGO_URL: 'mongodb://127.0.0.1:27017/', REDIS_URL: 'redis://127.0.0.1:6379' };

describe('server configuration', () => {
  it('types and nests a valid environment, with defaults', () => {
    const config = loadApiConfig({ ...valid, API_PORT: '9000', TRUSTED_PROXIES: '10.0.0.0/8, 192.168.0.0/16' });
    expect(config.http).toEqual({
      host: '127.0.0.1',
      port: 9000,
      trustedProxies: ['10.0.0.0/8', '192.168.0.0/16'],
      corsAllowedOrigins: [],
    });
    expect(config.authRateLimit).toEqual({ perMinute: 30 });
    expect(config.mongo).toEqual({ url: valid.MONGO_URL, database: 'fleetgate' });
    expect(config.redis).toEqual({ url: valid.REDIS_URL, prefix: 'fleetgate' });
    expect(config.shutdownTimeoutMs).toBe(10_000);
  });

  it('reads the CORS origins and the authentication rate limit, and refuses an origin with a path', () => {
    const config = loadApiConfig({
      ...valid,
      CORS_ALLOWED_ORIGINS: 'https://ui.example.test, http://127.0.0.1:4200',
      AUTH_RATE_LIMIT_PER_MINUTE: '0',
    });
    expect(config.http.corsAllowedOrigins).toEqual(['https://ui.example.test', 'http://127.0.0.1:4200']);
    expect(config.authRateLimit).toEqual({ perMinute: 0 });
    expect(() => loadApiConfig({ ...valid, CORS_ALLOWED_ORIGINS: 'https://ui.example.test/app' })).toThrow(/CORS_ALLOWED_ORIGINS/);
  });

  it('names a missing variable', () => {
    expect(() => loadApiConfig({ REDIS_URL: valid.REDIS_URL })).toThrow(
      new ConfigValidationError('api', [{ variable: 'MONGO_URL', problem: 'is required but not set' }]),
    );
  });

  it('names every bad variable and says what is wrong with it', () => {
    let error: unknown;
    try {
      loadSshConfig({ ...valid, MONGO_URL: 'postgres://db', SSH_PORT: '70000', LOG_LEVEL: 'loud' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigValidationError);
    const message = (error as Error).message;
    expect(message).toContain('Invalid configuration for ssh');
    expect(message).toMatch(/MONGO_URL: must be a mongodb:\/\/ or mongodb\+srv:\/\/ URL/);
    expect(message).toMatch(/SSH_PORT: .*65535/);
    expect(message).toMatch(/LOG_LEVEL: /);
  });

  it('refuses a trusted proxy entry that is not a CIDR', () => {
    expect(() => loadApiConfig({ ...valid, TRUSTED_PROXIES: '0.0.0.0/0 evil' })).toThrow(/TRUSTED_PROXIES/);
  });

  it('reads the balancers trusted for PROXY protocol headers, none by default (issue 13)', () => {
    expect(loadSshConfig(valid).ssh.proxyProtocolFrom).toEqual([]);
    expect(loadSshConfig({ ...valid, SSH_PROXY_PROTOCOL_FROM: '172.28.0.10/32, 2001:db8::/32' }).ssh.proxyProtocolFrom).toEqual([
      '172.28.0.10/32',
      '2001:db8::/32',
    ]);
    expect(() => loadSshConfig({ ...valid, SSH_PROXY_PROTOCOL_FROM: '172.28.0.10' })).toThrow(/SSH_PROXY_PROTOCOL_FROM/);
  });

  it('reads where the installer finds the agent, an empty package URL being none (issue 13)', () => {
    expect(loadApiConfig(valid).agentDistribution).toEqual({ image: 'fleetgate/agent:latest', packageUrl: undefined });
    expect(loadApiConfig({ ...valid, AGENT_PACKAGE_URL: '' }).agentDistribution.packageUrl).toBeUndefined();
    expect(loadApiConfig({ ...valid, AGENT_IMAGE: 'r.example/agent:1', AGENT_PACKAGE_URL: 'https://d.example/a.tgz' }).agentDistribution).toEqual({
      image: 'r.example/agent:1',
      packageUrl: 'https://d.example/a.tgz',
    });
    expect(() => loadApiConfig({ ...valid, AGENT_PACKAGE_URL: "https://d.example/a'.tgz" })).toThrow(/AGENT_PACKAGE_URL/);
    expect(() => loadApiConfig({ ...valid, AGENT_IMAGE: 'agent; reboot' })).toThrow(/AGENT_IMAGE/);
  });

  it('bounds worker concurrency', () => {
    expect(() => loadWorkerConfig({ ...valid, WORKER_CONCURRENCY: '0' })).toThrow(/WORKER_CONCURRENCY/);
    expect(loadWorkerConfig(valid).concurrency).toBe(4);
  });

  it('caps gateway authentication attempts (default 6) and locks gateway passwords like API logins', () => {
    expect(loadSshConfig(valid)).toMatchObject({ access: { maxAuthAttempts: 6 }, loginLockout: { maxMinutes: 60 } });
    expect(loadSshConfig({ ...valid, SSH_MAX_AUTH_ATTEMPTS: '3', MAX_LOCKOUT_MINUTES: '0' })).toMatchObject({
      access: { maxAuthAttempts: 3 },
      loginLockout: { maxMinutes: 0 },
    });
    expect(() => loadSshConfig({ ...valid, SSH_MAX_AUTH_ATTEMPTS: '0' })).toThrow(/SSH_MAX_AUTH_ATTEMPTS/);
  });

  it('runs one gateway process unless told otherwise, and one per core with auto (issue 13)', () => {
    expect(loadSshConfig(valid)).toMatchObject({ processes: 1, pickup: { portBase: 0 } });
    expect(loadSshConfig({ ...valid, SSH_PROCESSES: 'auto' }).processes).toBe('auto');
    expect(loadSshConfig({ ...valid, SSH_PROCESSES: '3', TUNNEL_PICKUP_HOST: 'gw1', TUNNEL_PICKUP_PORT: '9100' })).toMatchObject({
      processes: 3,
      pickup: { host: 'gw1', portBase: 9100 },
    });
    expect(() => loadSshConfig({ ...valid, SSH_PROCESSES: '0' })).toThrow(/SSH_PROCESSES/);
    expect(() => loadSshConfig({ ...valid, TUNNEL_PICKUP_URL: 'http://gw1:8081' })).toThrow(/TUNNEL_PICKUP_URL/);
    expect(() => loadSshConfig({ ...valid, SSH_PROCESSES: '2', TUNNEL_PICKUP_URL: 'ws://gw1:8081' })).toThrow(/TUNNEL_PICKUP_URL/);
    expect(loadSshConfig({ ...valid, TUNNEL_PICKUP_URL: 'wss://gw1.example/a' }).pickup.url).toBe('wss://gw1.example/a');
  });

  describe('billing (issue 11)', () => {
    const stripe = {
      STRIPE_SECRET_KEY: 'sk_test_abc123',
      STRIPE_PRICE_IDS: 'price_base, price_devices',
      STRIPE_WEBHOOK_SECRET: 'whsec_abc123',
    };

    it('is off by default, with the configured device limit for new namespaces', () => {
      expect(loadApiConfig(valid).billing).toMatchObject({ enabled: false, limits: { unbilled: -1, freePlan: 3, paidPlan: -1 } });
      expect(loadWorkerConfig({ ...valid, NAMESPACE_MAX_DEVICES: '10' }).billing).toEqual({
        enabled: false,
        limits: { unbilled: 10, freePlan: 3, paidPlan: -1 },
      });
    });

    it('turns on with the key, the price ids and the webhook secret, and an endpoint override for stripe-mock', () => {
      const config = loadApiConfig({ ...valid, ...stripe, STRIPE_API_HOST: '127.0.0.1', STRIPE_API_PORT: '12111', STRIPE_API_PROTOCOL: 'http' });
      expect(config.billing).toMatchObject({
        enabled: true,
        stripe: {
          secretKey: 'sk_test_abc123',
          priceIds: ['price_base', 'price_devices'],
          webhookSecret: 'whsec_abc123',
          endpoint: { host: '127.0.0.1', port: 12111, protocol: 'http' },
        },
      });
    });

    it('takes an optional publishable key for the browser, and refuses a secret key in its place', () => {
      expect(loadApiConfig({ ...valid, ...stripe }).billing).not.toHaveProperty('stripe.publishableKey');
      expect(loadApiConfig({ ...valid, ...stripe, STRIPE_PUBLISHABLE_KEY: 'pk_test_abc123' }).billing).toMatchObject({
        stripe: { publishableKey: 'pk_test_abc123' },
      });
      expect(() => loadApiConfig({ ...valid, ...stripe, STRIPE_PUBLISHABLE_KEY: 'sk_test_abc123' })).toThrow(
        /STRIPE_PUBLISHABLE_KEY: must be a Stripe publishable key/,
      );
    });

    it('refuses a partial billing configuration, naming each variable missing', () => {
      let error: unknown;
      try {
        loadApiConfig({ ...valid, STRIPE_SECRET_KEY: stripe.STRIPE_SECRET_KEY });
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(ConfigValidationError);
      expect((error as Error).message).toMatch(/STRIPE_PRICE_IDS: is required when STRIPE_SECRET_KEY is set/);
      expect((error as Error).message).toMatch(/STRIPE_WEBHOOK_SECRET: is required when STRIPE_SECRET_KEY is set/);
      expect(() => loadWorkerConfig({ ...valid, STRIPE_WEBHOOK_SECRET: stripe.STRIPE_WEBHOOK_SECRET })).toThrow(/STRIPE_SECRET_KEY: is required/);
      expect(() => loadApiConfig({ ...valid, ...stripe, STRIPE_PRICE_IDS: 'prod_123' })).toThrow(/STRIPE_PRICE_IDS/);
      expect(() => loadApiConfig({ ...valid, ...stripe, STRIPE_SECRET_KEY: 'pk_test_publishable' })).toThrow(/STRIPE_SECRET_KEY: must be a Stripe secret key/);
    });
  });

  it('keeps sessions alive every 30 s at the gateway and counts them gone after 90 s, and checks the internal credential', () => {
    expect(loadSshConfig(valid).sessionRecords).toEqual({ keepaliveSeconds: 30 });
    expect(loadApiConfig(valid)).toMatchObject({ sessionRecords: { expirySeconds: 90 }, internal: { token: undefined } });
    expect(loadWorkerConfig(valid).sessionRecords).toEqual({ expirySeconds: 90 });
    expect(() => loadApiConfig({ ...valid, INTERNAL_API_TOKEN: 'too-short' })).toThrow(/INTERNAL_API_TOKEN: must be at least 32/);
    expect(() => loadWorkerConfig({ ...valid, SESSION_EXPIRY_SECONDS: '1' })).toThrow(/SESSION_EXPIRY_SECONDS/);
  });

  it('allows instance administration from loopback only unless told, and refuses entries that are not CIDRs', () => {
    expect(loadApiConfig(valid).admin).toEqual({ allowedClients: ['127.0.0.1/32', '::1/128'] });
    expect(loadApiConfig({ ...valid, ADMIN_ALLOWED_CLIENTS: '10.1.0.0/16 2001:db8::/32' }).admin).toEqual({
      allowedClients: ['10.1.0.0/16', '2001:db8::/32'],
    });
    expect(() => loadApiConfig({ ...valid, ADMIN_ALLOWED_CLIENTS: 'everyone' })).toThrow(/ADMIN_ALLOWED_CLIENTS/);
  });

  it('keeps audit events for 90 days by default and bounds the gateway’s publishing and batching', () => {
    expect(loadWorkerConfig(valid).audit).toEqual({ retentionDays: 90, sweepIntervalMs: 3_600_000 });
    expect(() => loadWorkerConfig({ ...valid, AUDIT_RETENTION_DAYS: '0' })).toThrow(/AUDIT_RETENTION_DAYS/);
    expect(loadSshConfig(valid)).toMatchObject({ gatewayStatus: { refreshSeconds: 5 }, audit: { flushMs: 500 } });
    expect(() => loadSshConfig({ ...valid, GATEWAY_STATUS_REFRESH_SECONDS: '0' })).toThrow(/GATEWAY_STATUS_REFRESH_SECONDS/);
  });
});
