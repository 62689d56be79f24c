import { Injectable } from '@nestjs/common';
import { DevicePresenceStore, DevicesRepository, PublicKeysRepository, tenantScope } from '@fleetgate/data-access';
import { AppException } from '@fleetgate/errors';
import type { InternalCaller } from '@fleetgate/identity';
import { publicKeyAllows } from '@fleetgate/public-keys';

/**
 * The contract's internal device and key routes, which ShellHub's gateway and agents call: a device reported
 * offline, and whether a public key may log in as a user on a device. Fleetgate's own gateway does both in process
 * (presence in Redis, `AccessDecisionService`); these serve other implementations of the contract.
 */
@Injectable()
export class GatewayCallsService {
  constructor(
    private readonly devices: DevicesRepository,
    private readonly publicKeys: PublicKeysRepository,
    private readonly presence: DevicePresenceStore,
  ) {}

  /**
   * `PUT /api/devices/{uid}/offline`, `POST /internal/devices/{uid}/offline`: the device leaves the online set,
   * whichever gateway held it. A device may report only itself.
   */
  async reportOffline(caller: InternalCaller, uid: string): Promise<void> {
    const normalised = String(uid).toLowerCase();
    if (caller.kind === 'device' && caller.uid !== normalised) {
      throw AppException.forbidden('a device may report only itself offline');
    }
    const device =
      caller.kind === 'device'
        ? await this.devices.findOne(tenantScope(caller.tenantId), { uid: normalised })
        : await this.devices.findByUidUnscoped(normalised);
    if (!device) throw AppException.notFound('device');
    await this.presence.dropDevice(device.tenant_id, device.uid);
  }

  /**
   * `GET /api/sshkeys/public-keys/evaluate/{fingerprint}/{username}?device=<uid>`: ShellHub's evaluatePublicKey,
   * true when the key is registered in the device's namespace and both its username rule and its device filter
   * allow the login.
   */
  async evaluatePublicKey(fingerprint: string, username: string, deviceUid: string): Promise<boolean> {
    const device = await this.devices.findByUidUnscoped(deviceUid);
    if (!device) throw AppException.notFound('device');
    const key = await this.publicKeys.findOne(tenantScope(device.tenant_id), { fingerprint: String(fingerprint) });
    if (!key) throw AppException.notFound('public key');
    return publicKeyAllows(key, username, device);
  }
}
