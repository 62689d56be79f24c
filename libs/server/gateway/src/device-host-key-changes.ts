import type { DevicesRepository, TenantScope } from '@fleetgate/data-access';

/** Where the gateway records that a device presented another host key than the pinned one. */
export interface DeviceHostKeyChanges {
  record(scope: TenantScope, uid: string, presentedKey: Buffer): Promise<void>;
}

/** Marks the device "host key changed" with the key it presented, until an owner accepts the change in the API. */
export class StoredDeviceHostKeyChanges implements DeviceHostKeyChanges {
  constructor(private readonly devices: DevicesRepository) {}

  async record(scope: TenantScope, uid: string, presentedKey: Buffer): Promise<void> {
    await this.devices.updateOne(
      scope,
      { uid },
      { $set: { host_key_changed: true, presented_host_key: presentedKey.toString('base64'), host_key_changed_at: new Date() } },
    );
  }
}
