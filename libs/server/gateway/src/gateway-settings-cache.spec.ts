import type { GatewaySettingsDocument } from '@fleetgate/data-access';
import { createLogger } from '@fleetgate/logging';
import { GatewaySettingsCache } from './gateway-settings-cache';

describe('GatewaySettingsCache', () => {
  const logger = createLogger({ service: 'settings-cache-spec', level: 'silent' });

  function source() {
    let stored: GatewaySettingsDocument | null = null;
    let announce: () => void = () => undefined;
    return {
      store(document: Partial<GatewaySettingsDocument>) {
        stored = { key: 'gateway', ...document } as GatewaySettingsDocument;
      },
      announce: () => announce(),
      find: jest.fn(async () => stored),
      subscribeToSettings: jest.fn(async (onChange: () => void) => {
        announce = onChange;
        return () => (announce = () => undefined);
      }),
    };
  }

  it('runs on the configured defaults until settings are stored, then on what is stored, as a new version', async () => {
    const settings = source();
    const cache = GatewaySettingsCache.withConfiguredDefaults(settings, { maxAuthAttempts: 4 }, logger);
    const heard: string[] = [];
    cache.onChange((current) => heard.push(current.user_auth_banner));
    await cache.start();
    try {
      expect(cache.current).toMatchObject({ auth_max_attempts: 4, strict_key_exchange: 'on', user_auth_banner: '' });
      const before = cache.version;

      settings.store({ user_auth_banner: 'Audited.', auth_max_attempts: 3 });
      settings.announce();
      await new Promise((resolve) => setImmediate(resolve));
      expect(cache.current).toMatchObject({ auth_max_attempts: 3, user_auth_banner: 'Audited.' });
      expect(cache.version).toBe(before + 1);
      expect(heard).toEqual(['Audited.']);

      // Rereading the same settings makes no new version, so nothing is rebuilt.
      await cache.reload();
      expect(cache.version).toBe(before + 1);
    } finally {
      cache.stop();
    }
  });

  it('keeps the settings in force when the database cannot be read', async () => {
    const settings = source();
    settings.store({ user_auth_banner: 'Kept.' });
    const cache = GatewaySettingsCache.withConfiguredDefaults(settings, { maxAuthAttempts: 6 }, logger);
    await cache.start();
    try {
      settings.find.mockRejectedValueOnce(new Error('database away'));
      await cache.reload();
      expect(cache.current.user_auth_banner).toBe('Kept.');
    } finally {
      cache.stop();
    }
  });
});
