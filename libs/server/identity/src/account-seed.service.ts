import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { isEmail } from 'class-validator';
import {
  MembershipsRepository,
  type NamespaceDocument,
  NamespacesRepository,
  tenantScope,
  type TenantScope,
  type UserDocument,
  UsersRepository,
} from '@fleetgate/data-access';
import { AppException } from '@fleetgate/errors';
import {
  NAMESPACE_NAME_PATTERN,
  NEW_PASSWORD_LENGTH,
  USERNAME_PATTERN,
  USERNAME_RULE,
} from './account-rules';
import { PasswordHashingService } from './password-hashing.service';

export interface AccountSeedRequest {
  username: string;
  password: string;
  email: string;
  namespace: string;
  /** The namespace's tenant id; a new UUID when absent. */
  tenantId?: string;
}

export interface AccountSeedResult {
  tenant_id: string;
  namespace: string;
  user_id: string;
  username: string;
}

/**
 * Makes sure a user, a namespace and the user's owner membership exist, for local runs and tests. Idempotent:
 * what exists is kept as it is (an existing user keeps their password).
 */
@Injectable()
export class AccountSeedService {
  constructor(
    private readonly users: UsersRepository,
    private readonly namespaces: NamespacesRepository,
    private readonly memberships: MembershipsRepository,
    private readonly passwords: PasswordHashingService,
  ) {}

  async seed(request: AccountSeedRequest): Promise<AccountSeedResult> {
    const username = request.username.toLowerCase();
    const email = request.email.toLowerCase();
    const namespaceName = request.namespace.toLowerCase();
    validate(username, email, namespaceName, request.password);

    const user = await this.ensureUser(username, email, request.password);
    const namespace = await this.ensureNamespace(namespaceName, user, request.tenantId);
    const scope = tenantScope(namespace.tenant_id);
    await this.ensureOwnership(scope, user);
    return {
      tenant_id: scope.tenantId,
      namespace: namespace.name,
      user_id: user.id,
      username: user.username,
    };
  }

  private async ensureUser(username: string, email: string, password: string): Promise<UserDocument> {
    const existing = await this.users.findByUsernameOrEmail(username);
    if (existing) return existing;
    if ((await this.users.findHoldersOf(email)).length > 0) {
      throw AppException.conflict(`the e-mail address ${email} belongs to another user`);
    }
    return this.users.create({
      id: randomUUID(),
      name: username,
      username,
      email,
      password_hash: await this.passwords.hash(password),
      status: 'confirmed',
      max_namespaces: -1,
    });
  }

  private async ensureNamespace(
    name: string,
    owner: UserDocument,
    tenantId?: string,
  ): Promise<NamespaceDocument> {
    const existing = await this.namespaces.findByNameUnscoped(name);
    if (!existing) {
      return this.namespaces.create(tenantScope(tenantId ?? randomUUID()), {
        name,
        owner: owner.id,
        max_devices: -1,
        settings: { session_record: true, connection_announcement: '' },
      });
    }
    if (existing.owner !== owner.id) throw AppException.conflict(`namespace ${name} belongs to another user`);
    if (tenantId !== undefined && tenantScope(tenantId).tenantId !== existing.tenant_id) {
      throw AppException.conflict(`namespace ${name} already exists with tenant id ${existing.tenant_id}`);
    }
    return existing;
  }

  private async ensureOwnership(scope: TenantScope, owner: UserDocument): Promise<void> {
    const existing = await this.memberships.findOne(scope, { user_id: owner.id });
    if (existing) return;
    await this.memberships.create(scope, { user_id: owner.id, role: 'owner', status: 'accepted' });
  }
}

function validate(username: string, email: string, namespace: string, password: string): void {
  const problems = [
    USERNAME_PATTERN.test(username) ? null : USERNAME_RULE,
    isEmail(email) ? null : 'email must be an e-mail address',
    NAMESPACE_NAME_PATTERN.test(namespace)
      ? null
      : 'namespace must be 3 to 30 lower-case letters, digits or inner "-"',
    password.length >= NEW_PASSWORD_LENGTH.min && password.length <= NEW_PASSWORD_LENGTH.max
      ? null
      : `password must be ${NEW_PASSWORD_LENGTH.min} to ${NEW_PASSWORD_LENGTH.max} characters`,
  ].filter((problem): problem is string => problem !== null);
  if (problems.length > 0) throw AppException.validation(problems.join('; '));
}
