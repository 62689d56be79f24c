import { Injectable } from '@nestjs/common';
import {
  DevicesRepository,
  MembershipsRepository,
  type NamespaceDocument,
  tenantScope,
  UsersRepository,
} from '@fleetgate/data-access';
import { type NamespaceView, toNamespaceView } from './namespace.view';

/** Builds ShellHub's namespace JSON: the document, its members with their e-mail, and its accepted devices. */
@Injectable()
export class NamespaceViewsService {
  constructor(
    private readonly memberships: MembershipsRepository,
    private readonly users: UsersRepository,
    private readonly devices: DevicesRepository,
  ) {}

  async view(namespace: NamespaceDocument): Promise<NamespaceView> {
    const scope = tenantScope(namespace.tenant_id);
    const [memberships, deviceCount] = await Promise.all([
      this.memberships.find(scope, {}, { sort: { created_at: 1 } }),
      this.devices.count(scope, { status: 'accepted' }),
    ]);
    const members = await Promise.all(
      memberships.map(async (membership) => ({
        membership,
        email: (await this.users.findById(membership.user_id))?.email,
      })),
    );
    return toNamespaceView(namespace, members, deviceCount);
  }
}
