import type { GatewayCommand, GatewayProcessReport } from '@fleetgate/queue';
import type { GatewayAuditSink } from './gateway-audit';
import type { LiveConnectionTracker } from './live-connections';

/** The Redis side the publisher needs (`GatewayFleetRepository`). */
export interface GatewayFleet {
  publishReport(report: GatewayProcessReport, expirySeconds: number): Promise<void>;
  withdraw(processId: string): Promise<void>;
  subscribe(onCommand: (command: GatewayCommand) => void): Promise<() => void>;
}

export interface GatewayStatusSettings {
  /** How often the process republishes its report; the report expires after three missed rounds. */
  refreshSeconds: number;
}

/**
 * Keeps this process's report (status and live connections) fresh in Redis and follows the API's commands: a
 * disconnect of a connection it holds, and reloading host keys after a change.
 */
export class GatewayStatusPublisher {
  private timer?: NodeJS.Timeout;
  private unsubscribe?: () => void;

  constructor(
    private readonly fleet: GatewayFleet,
    private readonly tracker: LiveConnectionTracker,
    private readonly status: () => { listening: boolean; address: string; version: string },
    private readonly settings: GatewayStatusSettings,
    private readonly hooks: {
      reloadHostKeys: () => Promise<void>;
      audit: GatewayAuditSink;
      onError: (error: unknown, what: string) => void;
    },
  ) {}

  async start(): Promise<void> {
    this.unsubscribe = await this.fleet.subscribe((command) => this.follow(command));
    await this.publish();
    this.timer = setInterval(() => void this.publish(), this.settings.refreshSeconds * 1000);
    this.timer.unref();
  }

  async publish(): Promise<void> {
    try {
      await this.fleet.publishReport(this.tracker.report(this.status()), this.settings.refreshSeconds * 3);
    } catch (error) {
      this.hooks.onError(error, 'publishing the gateway report');
    }
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.unsubscribe?.();
    await this.fleet.withdraw(this.tracker.processId).catch((error: unknown) => this.hooks.onError(error, 'withdrawing the gateway report'));
  }

  private follow(command: GatewayCommand): void {
    if (command.type === 'host-keys-changed') {
      void this.hooks.reloadHostKeys().catch((error: unknown) => this.hooks.onError(error, 'reloading host keys'));
      return;
    }
    if (command.processId !== this.tracker.processId) return;
    const connection = this.tracker.find(command.connectionId);
    if (!connection || !this.tracker.disconnect(command.connectionId, command.reason)) return;
    this.hooks.audit.record({
      kind: 'disconnected',
      reason: command.reason || 'disconnected by an administrator',
      tenantId: connection.tenantId || undefined,
      username: connection.user || undefined,
      address: connection.address,
      device: connection.device || undefined,
      at: new Date(),
    });
    // The list should not show it a whole refresh round longer.
    void this.publish();
  }
}
