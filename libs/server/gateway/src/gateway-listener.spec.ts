import type { Duplex } from 'node:stream';
import { Client, type ConnectConfig, utils } from 'ssh2';
import { createLogger } from '@fleetgate/logging';
import type { GatewayAuditEvent } from './gateway-audit';
import { type AdmittedConnection, GatewayListener } from './gateway-listener';
import { defaultGatewaySettings, type GatewaySettings } from './gateway-settings';
import { GatewaySettingsCache } from './gateway-settings-cache';
import { loopbackConnection } from './web-terminal/loopback-connection';

describe('GatewayListener', () => {
  const logger = createLogger({ service: 'gateway-listener-spec', level: 'silent' });
  const first = utils.generateKeyPairSync('ed25519');
  const second = utils.generateKeyPairSync('ed25519');
  let listener: GatewayListener | undefined;

  afterEach(async () => {
    await listener?.stop();
    listener = undefined;
  });

  async function start(overrides: Partial<GatewaySettings>, hostKeys: () => string[]) {
    const settings = new GatewaySettingsCache(
      { find: async () => null, subscribeToSettings: async () => () => undefined },
      { ...defaultGatewaySettings({ maxAuthAttempts: 6 }), ...overrides },
      logger,
    );
    const admitted: AdmittedConnection[] = [];
    const audit: GatewayAuditEvent[] = [];
    const started = new GatewayListener({
      host: '127.0.0.1',
      port: 0,
      hostKeys,
      settings,
      autoBlock: { blockedUntil: async () => 0, recordFailure: async () => 0 },
      onConnection: (connection) => {
        admitted.push(connection);
        connection.connection.on('error', () => undefined);
      },
      logger,
      audit: { record: (event) => audit.push(event) },
    });
    listener = started;
    await started.start();
    return { listener: started, admitted, audit };
  }

  it('builds the next ssh2 server with the host keys read after invalidate()', async () => {
    let keys = [first.private];
    const { listener } = await start({}, () => keys);
    expect(await presentedKey({ host: '127.0.0.1', port: listener.port })).toBe(blobOf(first.public));

    keys = [second.private];
    // Read only when a server is built: until the listener is told, new connections keep the key they had.
    expect(await presentedKey({ host: '127.0.0.1', port: listener.port })).toBe(blobOf(first.public));
    listener.invalidate();
    expect(await presentedKey({ host: '127.0.0.1', port: listener.port })).toBe(blobOf(second.public));
  });

  it('hands on the admitted TCP socket, and takes an injected connection as coming from the given address', async () => {
    const { listener, admitted } = await start({}, () => [first.private]);
    await presentedKey({ host: '127.0.0.1', port: listener.port });
    expect(admitted).toHaveLength(1);
    expect(admitted[0].clientAddress).toBe('127.0.0.1');
    expect(admitted[0].socket?.bytesRead).toBeGreaterThan(0);

    const { person, gateway } = loopbackConnection('192.0.2.7');
    listener.inject(gateway, '192.0.2.7');
    expect(await presentedKey({ sock: person })).toBe(blobOf(first.public));
    expect(admitted).toHaveLength(2);
    expect(admitted[1].clientAddress).toBe('192.0.2.7');
    expect(admitted[1].socket).toBeUndefined();
  });

  it('judges an injected connection by the address rules, as a TCP one', async () => {
    const { listener, admitted, audit } = await start({ blocked_clients: ['192.0.2.0/24'] }, () => [first.private]);
    const { person, gateway } = loopbackConnection('192.0.2.7');
    listener.inject(gateway, '192.0.2.7');
    await expect(presentedKey({ sock: person })).rejects.toThrow();
    expect(admitted).toEqual([]);
    expect(audit).toEqual([expect.objectContaining({ kind: 'client-refused', address: '192.0.2.7' })]);
  });
});

function blobOf(publicKey: string): string {
  const parsed = utils.parseKey(publicKey);
  if (parsed instanceof Error) throw parsed;
  return parsed.getPublicSSH().toString('base64');
}

/** Connects with ssh2 and answers the host key the server presented (the connection is refused right after). */
function presentedKey(target: { host: string; port: number } | { sock: Duplex }): Promise<string> {
  return new Promise((resolve, reject) => {
    const client = new Client();
    let presented: string | undefined;
    const settle = () => (presented ? resolve(presented) : reject(new Error('no host key presented')));
    client.on('error', settle);
    client.on('close', settle);
    const config: ConnectConfig = {
      ...target,
      username: 'nobody',
      readyTimeout: 5_000,
      hostVerifier: (key: Buffer) => {
        presented = key.toString('base64');
        return false;
      },
    };
    client.connect(config);
  });
}
