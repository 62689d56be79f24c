import { Inject, Injectable } from '@nestjs/common';
import { type PlatformKeys, SecretBox } from '@fleetgate/auth';
import { MembershipsRepository, type TenantScope, UsersRepository } from '@fleetgate/data-access';
import { Clock } from './clock';
import { LoginLockoutService } from './login-lockout.service';
import { MfaStateRepository } from './mfa-state.repository';
import { PLATFORM_KEYS } from './platform-keys.module';
import { verifyTotpCode } from './totp';

/** The member behind a public key, as gateway MFA needs to know them. */
export interface GatewayKeyOwner {
  userId: string | null;
  /** An accepted member of the namespace now. */
  member: boolean;
  user: { id: string; username: string; mfaEnabled: boolean; confirmed: boolean } | null;
}

export type GatewaySecondFactorOutcome =
  | { accepted: true }
  | { accepted: false; reason: 'wrong'; lockedUntil: number }
  | { accepted: false; reason: 'locked' | 'busy'; retryAt: number };

/**
 * The second factor at the gateway (issue 12, item 2): the same TOTP secret, single-use steps and login lockout as
 * `MfaService` in the API, so a code used at one is spent at the other and failed codes count in one lockout of
 * (client address, user).
 */
@Injectable()
export class GatewaySecondFactorService {
  private readonly secrets: SecretBox;

  constructor(
    private readonly users: UsersRepository,
    private readonly memberships: MembershipsRepository,
    private readonly state: MfaStateRepository,
    private readonly lockouts: LoginLockoutService,
    private readonly clock: Clock,
    @Inject(PLATFORM_KEYS) keys: PlatformKeys,
  ) {
    // The purpose MfaService seals the secret with.
    this.secrets = new SecretBox(keys, 'mfa-totp-secret');
  }

  async keyOwner(scope: TenantScope, userId: string | null | undefined): Promise<GatewayKeyOwner> {
    if (!userId) return { userId: null, member: false, user: null };
    const [user, membership] = await Promise.all([
      this.users.findById(userId),
      this.memberships.findOne(scope, { user_id: userId, status: 'accepted' }),
    ]);
    return {
      userId,
      member: membership !== null,
      user: user
        ? { id: user.id, username: user.username, mfaEnabled: user.mfa?.enabled === true, confirmed: user.status === 'confirmed' }
        : null,
    };
  }

  async verify(clientAddress: string, userId: string, code: string): Promise<GatewaySecondFactorOutcome> {
    const gate = await this.lockouts.begin(clientAddress, userId);
    if (!gate.granted) return { accepted: false, reason: gate.reason, retryAt: gate.retryAt };
    const { ticket } = gate;
    try {
      const user = await this.users.findById(userId);
      let secret: string | null = null;
      try {
        secret = user?.mfa?.enabled ? this.secrets.open(user.mfa.secret) : null;
      } catch {
        secret = null;
      }
      if (secret && (await verifyTotpCode(this.state, this.clock.now(), userId, secret, code))) {
        await ticket.succeeded();
        return { accepted: true };
      }
      return { accepted: false, reason: 'wrong', lockedUntil: await ticket.failed() };
    } finally {
      await ticket.release();
    }
  }
}
