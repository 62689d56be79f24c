import { Injectable } from '@nestjs/common';
import type { PublicKeyDocument, TenantScope } from '@fleetgate/data-access';
import type { PublicKeyDirectory } from '@fleetgate/gateway';
import { PublicKeysService } from '@fleetgate/public-keys';

/** The keys the API stores, for the gateway's access decisions. */
@Injectable()
export class NamespacePublicKeyDirectory implements PublicKeyDirectory {
  constructor(private readonly publicKeys: PublicKeysService) {}

  findByFingerprint(scope: TenantScope, fingerprint: string): Promise<PublicKeyDocument | null> {
    return this.publicKeys.findForTenantByFingerprint(scope, fingerprint);
  }
}
