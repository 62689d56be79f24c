import type { GatewayLogLevel, GatewaySettingsDocument } from '@fleetgate/data-access';
import type { Logger } from '@fleetgate/logging';
import { defaultGatewaySettings, type GatewaySettings } from './gateway-settings';

/** Where the stored settings are read, and how a change is heard (`GatewaySettingsRepository`, `GatewayControlRepository`). */
export interface GatewaySettingsSource {
  find(): Promise<GatewaySettingsDocument | null>;
  subscribeToSettings(onChange: () => void): Promise<() => void>;
}

/** How often a gateway rereads the settings even when it heard nothing, should a change message have been lost. */
const RELOAD_INTERVAL_MS = 60_000;

/**
 * The settings one gateway process applies to new connections: read at start, reread when the API announces a
 * change (Redis pub/sub) and once a minute. Each reread that changes something makes a new `version`, so that the
 * listener rebuilds what depends on them (the ssh2 server's offer, banner and identification string).
 */
export class GatewaySettingsCache {
  private settings: GatewaySettings;
  private currentVersion = 0;
  private unsubscribe?: () => void;
  private timer?: NodeJS.Timeout;
  private readonly listeners = new Set<(settings: GatewaySettings) => void>();

  constructor(
    private readonly source: GatewaySettingsSource,
    private readonly defaults: GatewaySettings,
    private readonly logger: Logger,
  ) {
    this.settings = defaults;
  }

  static withConfiguredDefaults(
    source: GatewaySettingsSource,
    configured: { maxAuthAttempts: number; logLevel?: GatewayLogLevel },
    logger: Logger,
  ): GatewaySettingsCache {
    return new GatewaySettingsCache(source, defaultGatewaySettings(configured), logger);
  }

  get current(): GatewaySettings {
    return this.settings;
  }

  get version(): number {
    return this.currentVersion;
  }

  onChange(listener: (settings: GatewaySettings) => void): void {
    this.listeners.add(listener);
  }

  async start(): Promise<void> {
    this.unsubscribe = await this.source.subscribeToSettings(() => void this.reload());
    await this.reload();
    this.timer = setInterval(() => void this.reload(), RELOAD_INTERVAL_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.unsubscribe?.();
  }

  /** Rereads the stored settings; a failed read keeps the settings in force. */
  async reload(): Promise<void> {
    try {
      const stored = await this.source.find();
      const next = stored ? withoutStorageFields(stored, this.defaults) : this.defaults;
      if (JSON.stringify(next) === JSON.stringify(this.settings)) return;
      this.settings = next;
      this.currentVersion += 1;
      this.logger.info({ event: 'gateway-settings-loaded', version: this.currentVersion }, 'gateway settings changed');
      for (const listener of this.listeners) listener(next);
    } catch (error) {
      this.logger.warn({ err: error }, 'could not read the gateway settings; keeping the current ones');
    }
  }
}

function withoutStorageFields(stored: GatewaySettingsDocument, defaults: GatewaySettings): GatewaySettings {
  const settings = { ...defaults };
  for (const key of Object.keys(defaults) as Array<keyof GatewaySettings>) {
    if (stored[key] !== undefined) (settings as Record<string, unknown>)[key] = stored[key];
  }
  return settings;
}
