import { Inject, Injectable } from '@nestjs/common';
import { createHash, sign, timingSafeEqual } from 'node:crypto';
import type { PlatformKeys } from '@fleetgate/auth';
import {
  NamespacesRepository,
  SystemStateRepository,
  tenantScope,
  UsersRepository,
} from '@fleetgate/data-access';
import { AppException } from '@fleetgate/errors';
import { AccountSeedService, PLATFORM_KEYS } from '@fleetgate/identity';

export interface SetupRequest {
  name: string;
  email: string;
  username: string;
  password: string;
}

/**
 * ShellHub's first-run setup: `sign` proves the caller can read the installation's private key (its setup script
 * prints the link), so nobody else can claim a fresh installation; once a user exists, setup is closed for good.
 */
@Injectable()
export class SetupService {
  private readonly expectedSign: Buffer;

  constructor(
    @Inject(PLATFORM_KEYS) keys: PlatformKeys,
    private readonly system: SystemStateRepository,
    private readonly seeds: AccountSeedService,
    private readonly users: UsersRepository,
    private readonly namespaces: NamespacesRepository,
  ) {
    this.expectedSign = Buffer.from(setupSign(keys), 'utf8');
  }

  /** The link a first-run script prints, relative to the UI. */
  setupPath(): string {
    return `/setup?sign=${this.expectedSign.toString('utf8')}`;
  }

  async setup(sign: string, request: SetupRequest): Promise<void> {
    const given = Buffer.from(sign, 'utf8');
    if (given.length !== this.expectedSign.length || !timingSafeEqual(given, this.expectedSign)) {
      throw AppException.forbidden('sign does not match this installation');
    }
    if (await this.system.isSetUp()) throw AppException.forbidden('this installation is already set up');
    const seeded = await this.seeds.seed({
      username: request.username,
      password: request.password,
      email: request.email,
      namespace: namespaceNameFor(request.username),
    });
    await this.users.updateById(seeded.user_id, { $set: { name: request.name } });
    // ShellHub's setup namespace does not record sessions until someone turns it on.
    await this.namespaces.updateOne(
      tenantScope(seeded.tenant_id),
      {},
      { $set: { 'settings.session_record': false } },
    );
  }
}

/** hex(SHA-256(RSA PKCS#1 v1.5 SHA-256 signature of "shellhub")): deterministic, so constant per installation. */
export function setupSign(keys: PlatformKeys): string {
  const signature = sign('sha256', Buffer.from('shellhub', 'ascii'), keys.privateKeyPem);
  return createHash('sha256').update(signature).digest('hex');
}

/** A username may hold characters a namespace name may not ("." "_" "@"); those become "-". */
export function namespaceNameFor(username: string): string {
  const name = username
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 30);
  return name.length >= 3 ? name : `${name}-ns`.slice(0, 30);
}
