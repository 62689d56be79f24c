import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { loadApiConfig } from '@fleetgate/config';
import {
  bootHttpApp,
  createTestContext,
  persist,
  type RunningHttpApp,
  serverEnvironment,
  type TestContext,
  workspaceRoot,
} from '@fleetgate/testing';
import { createApiApplication } from '../../bootstrap';
import { temporaryKeyDirectory } from '../../testing/api-environment';

const testDatabase = join(workspaceRoot(), 'libs/server/geoip/src/__fixtures__/GeoLite2-City-Test.mmdb');

describe('device position from the registration’s verified client address', () => {
  let context: TestContext;
  const keys = temporaryKeyDirectory();
  const running: RunningHttpApp[] = [];
  const tenantId = randomUUID();

  beforeAll(async () => {
    context = await createTestContext(__filename);
    await persist.namespace(context.connection, { tenant_id: tenantId, name: 'geo' });
  });
  afterAll(async () => {
    await Promise.all(running.map((app) => app.close()));
    await context.close();
    keys.remove();
  });

  const start = async (variables: Record<string, string>) => {
    const app = await bootHttpApp(() =>
      createApiApplication(loadApiConfig(serverEnvironment(context, { PLATFORM_KEY_DIR: keys.path, ...variables }))),
    );
    running.push(app);
    return app;
  };
  const register = (app: RunningHttpApp, mac: string, headers: Record<string, string>) =>
    fetch(`${app.url}/api/devices/auth`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({
        info: { id: 'debian', pretty_name: 'Debian', version: '0.1.0', arch: 'amd64', platform: 'native' },
        identity: { mac },
        public_key: `-----BEGIN RSA PUBLIC KEY-----\n${mac}\n-----END RSA PUBLIC KEY-----\n`,
        tenant_id: tenantId,
      }),
    });
  const stored = (mac: string) =>
    context.models.devices.findOne({ tenant_id: tenantId, 'identity.mac': mac }).lean();

  it('places a device registering through a trusted proxy (X-Real-IP) in London', async () => {
    const app = await start({ GEOIP_DATABASE_PATH: testDatabase, TRUSTED_PROXIES: '127.0.0.1/32 ::1/128 ::ffff:127.0.0.1/128' });
    expect((await register(app, '02:00:00:00:00:01', { 'X-Real-IP': '81.2.69.142' })).status).toBe(200);
    expect(await stored('02:00:00:00:00:01')).toMatchObject({
      remote_addr: '81.2.69.142',
      position: { latitude: 51.5142, longitude: -0.0931 },
    });
    expect((await register(app, '02:00:00:00:00:02', { 'X-Forwarded-For': '89.160.20.112' })).status).toBe(200);
    expect((await stored('02:00:00:00:00:02'))?.position).toEqual({ latitude: 58.4167, longitude: 15.6167 });
  });

  it('ignores forwarded-address headers from an untrusted client', async () => {
    const app = await start({ GEOIP_DATABASE_PATH: testDatabase });
    expect((await register(app, '02:00:00:00:00:03', { 'X-Real-IP': '81.2.69.142', 'X-Forwarded-For': '81.2.69.142' })).status).toBe(200);
    const device = await stored('02:00:00:00:00:03');
    expect(device?.remote_addr).toBe('127.0.0.1');
    expect(device?.position).toBeNull();
  });

  it('still registers with a missing database, without a position', async () => {
    const app = await start({ GEOIP_DATABASE_PATH: '/nonexistent/GeoLite2-City.mmdb', TRUSTED_PROXIES: '127.0.0.1/32' });
    expect((await register(app, '02:00:00:00:00:04', { 'X-Real-IP': '81.2.69.142' })).status).toBe(200);
    expect((await stored('02:00:00:00:00:04'))?.position).toBeNull();
  });
});
