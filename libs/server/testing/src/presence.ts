import { DevicePresenceStore } from '@fleetgate/data-access';
import type { TestContext } from './test-context';

/** The presence store on this test file's Redis prefix, as the gateway and the API use it. */
export function presenceStore(context: TestContext): DevicePresenceStore {
  return new DevicePresenceStore(context.redis, context.redisPrefix);
}

/**
 * Arranges devices as a gateway would have left them in Redis: online until `expiresAt` (a past time arranges a
 * gateway that died and stopped refreshing them).
 */
export async function arrangePresence(
  context: TestContext,
  tenantId: string,
  uids: readonly string[],
  expiresAt = Date.now() + 60_000,
): Promise<void> {
  await presenceStore(context).markOnline(
    uids.map((uid) => ({ tenantId, uid })),
    'test-gateway',
    expiresAt,
  );
}
