import { Injectable } from '@nestjs/common';
import type { TenantScope } from '@fleetgate/data-access';
import type { PublicKeyAuthorization } from '@fleetgate/gateway';
import { publicKeyAllows, PublicKeysService } from '@fleetgate/public-keys';

/** The gateway asks the same rules the API stores: the key must belong to the namespace and match user and device. */
@Injectable()
export class NamespacePublicKeyAuthorization implements PublicKeyAuthorization {
  constructor(private readonly publicKeys: PublicKeysService) {}

  async allows(scope: TenantScope, fingerprint: string, username: string, device: { name: string; tags: string[] }): Promise<boolean> {
    const key = await this.publicKeys.findForTenantByFingerprint(scope, fingerprint);
    return key !== null && publicKeyAllows(key, username, device);
  }
}
