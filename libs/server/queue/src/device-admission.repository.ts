import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { REDIS_CONNECTION, REDIS_KEY_PREFIX } from './redis-tokens';

/**
 * What the gateway needs to know to admit a device's tunnel: its status as the API last set it, or `deleted` when
 * the device (or its whole namespace) no longer exists.
 */
export type DeviceAdmissionState = 'pending' | 'accepted' | 'rejected' | 'removed' | 'unused' | 'deleted';
const admissionStates: readonly string[] = ['pending', 'accepted', 'rejected', 'removed', 'unused', 'deleted'];

/** States whose devices may not hold a tunnel (docs/tunnel-admission.md says why pending devices may). */
export function isRefusedAdmissionState(state: DeviceAdmissionState): boolean {
  return state === 'rejected' || state === 'removed' || state === 'deleted';
}

export interface DeviceAdmissionLookup {
  /** The device's namespace was deleted. */
  tenantDeleted: boolean;
  /** Null when Redis has no answer for this device (never written, or expired): the database must say. */
  state: DeviceAdmissionState | null;
}

/** A signal to gateways: close the tunnels of this namespace, or of this one device of it, now. */
export interface TunnelRevocation {
  tenantId: string;
  uid?: string;
  reason: string;
}

/**
 * Remembered states expire, so a missed update heals by itself from the database; a week keeps a fleet's reconnect
 * storm off the database.
 */
const DEVICE_STATE_TTL_SECONDS = 7 * 24 * 3600;
/**
 * Tenant ids are random UUIDs, never reused. A deleted namespace is remembered long enough for the orphan sweep
 * to have removed its devices many times over; after that the database answers "no such device".
 */
const DELETED_TENANT_TTL_SECONDS = 30 * 24 * 3600;

/**
 * The tunnel admission state in Redis (docs/tunnel-admission.md). The API writes it whenever a device's status
 * changes or a namespace is deleted, and publishes a revocation so gateways close tunnels at once; the gateway reads
 * it on every tunnel connection and reads the database only when Redis has no answer.
 */
@Injectable()
export class DeviceAdmissionRepository {
  constructor(
    @Inject(REDIS_CONNECTION) private readonly redis: Redis,
    @Inject(REDIS_KEY_PREFIX) private readonly prefix: string,
  ) {}

  private deviceKey(tenantId: string, uid: string): string {
    return `${this.prefix}:device-admission:${encodeURIComponent(tenantId)}:${encodeURIComponent(uid)}`;
  }

  private tenantKey(tenantId: string): string {
    return `${this.prefix}:deleted-tenant:${encodeURIComponent(tenantId)}`;
  }

  /** The channel gateways listen on for revocations. */
  get revocationChannel(): string {
    return `${this.prefix}:tunnel-revocations`;
  }

  async lookup(tenantId: string, uid: string): Promise<DeviceAdmissionLookup> {
    const [tenantDeleted, state] = await this.redis.mget(this.tenantKey(tenantId), this.deviceKey(tenantId, uid));
    return {
      tenantDeleted: tenantDeleted !== null,
      state: state !== null && admissionStates.includes(state) ? (state as DeviceAdmissionState) : null,
    };
  }

  /** The API changed the device: this state wins over whatever a gateway remembered. */
  async record(tenantId: string, uid: string, state: DeviceAdmissionState): Promise<void> {
    await this.redis.set(this.deviceKey(tenantId, uid), state, 'EX', DEVICE_STATE_TTL_SECONDS);
  }

  /**
   * A gateway read the state from the database. Written only if the API wrote nothing meanwhile, so a read that
   * raced a status change never overwrites the newer state.
   */
  async remember(tenantId: string, uid: string, state: DeviceAdmissionState): Promise<void> {
    await this.redis.set(this.deviceKey(tenantId, uid), state, 'EX', DEVICE_STATE_TTL_SECONDS, 'NX');
  }

  /** Before a status change reaches the database: a gateway reading meanwhile goes to the database. */
  async forget(tenantId: string, uid: string): Promise<void> {
    await this.redis.del(this.deviceKey(tenantId, uid));
  }

  async markTenantDeleted(tenantId: string): Promise<void> {
    await this.redis.set(this.tenantKey(tenantId), '1', 'EX', DELETED_TENANT_TTL_SECONDS);
  }

  /** Tells every gateway to close the matching tunnels; returns how many gateways heard it. */
  async revoke(revocation: TunnelRevocation): Promise<number> {
    return this.redis.publish(this.revocationChannel, JSON.stringify(revocation));
  }

  /**
   * Calls `onRevocation` for each revocation any API or worker publishes, on a connection of its own (a subscribed
   * Redis connection can run no other command). Resolves once subscribed; call the returned function to stop.
   */
  async subscribe(onRevocation: (revocation: TunnelRevocation) => void): Promise<() => void> {
    const subscriber = this.redis.duplicate();
    subscriber.on('error', () => undefined);
    subscriber.on('message', (_channel: string, message: string) => {
      const revocation = parseRevocation(message);
      if (revocation) onRevocation(revocation);
    });
    await subscriber.subscribe(this.revocationChannel);
    return () => subscriber.disconnect();
  }
}

function parseRevocation(message: string): TunnelRevocation | null {
  try {
    const value = JSON.parse(message) as Partial<TunnelRevocation>;
    if (typeof value.tenantId !== 'string' || typeof value.reason !== 'string') return null;
    if (value.uid !== undefined && typeof value.uid !== 'string') return null;
    return { tenantId: value.tenantId, uid: value.uid, reason: value.reason.slice(0, 120) };
  } catch {
    return null;
  }
}
