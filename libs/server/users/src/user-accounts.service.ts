import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { type PlatformKeys } from '@fleetgate/auth';
import { EmailJobName, ErrorCode, QueueName } from '@fleetgate/contracts';
import {
  isDuplicateKeyError,
  MembershipsRepository,
  NamespacesRepository,
  type TenantScope,
  tenantScope,
  type UserDocument,
  UsersRepository,
} from '@fleetgate/data-access';
import { AppException } from '@fleetgate/errors';
import {
  EmailThrottleService,
  END_EVERY_SESSION,
  NEW_PASSWORD_LENGTH,
  PasswordHashingService,
  PLATFORM_KEYS,
} from '@fleetgate/identity';
import { verifyInvitation } from '@fleetgate/namespaces';
import { QueueProducer } from '@fleetgate/queue';
import { AccountTokensRepository } from './account-tokens.repository';

export const ACCOUNT_CONFIRMATION_EMAIL_TEMPLATE = 'account-confirmation';
export const PASSWORD_RECOVERY_EMAIL_TEMPLATE = 'password-recovery';
export const ADDRESS_CHANGE_CONFIRMATION_EMAIL_TEMPLATE = 'address-change-confirmation';
export const ADDRESS_CHANGE_NOTICE_EMAIL_TEMPLATE = 'address-change-notice';

type AddressField = 'email' | 'recovery_email';

export const USERS_OPTIONS = Symbol('USERS_OPTIONS');

export interface UsersOptions {
  /** Where people open the web UI; e-mailed links point there. */
  uiBaseUrl: string;
}

export interface Registration {
  name: string;
  email: string;
  username: string;
  password: string;
  email_marketing: boolean;
  /** An invitation's signature: the address is proven, so the account is confirmed at once. */
  sig?: string;
}

export interface ProfileChange {
  name?: string;
  username?: string;
  email?: string;
  recovery_email?: string;
  password?: string;
  current_password?: string;
}

/**
 * Self-service accounts: registration with e-mail confirmation, password recovery, profile and password changes,
 * and deleting one's account. Answers that would tell a stranger whether an address or username exists (resend,
 * recovery) are the same either way.
 */
@Injectable()
export class UserAccountsService {
  constructor(
    private readonly users: UsersRepository,
    private readonly memberships: MembershipsRepository,
    private readonly namespaces: NamespacesRepository,
    private readonly passwords: PasswordHashingService,
    private readonly tokens: AccountTokensRepository,
    private readonly queue: QueueProducer,
    private readonly emailThrottle: EmailThrottleService,
    @Inject(PLATFORM_KEYS) private readonly keys: PlatformKeys,
    @Inject(USERS_OPTIONS) private readonly options: UsersOptions,
  ) {}

  async register(request: Registration): Promise<void> {
    const username = request.username.toLowerCase();
    const email = request.email.toLowerCase();
    requireNewPassword(request.password, 'password');
    const invited = await this.invitedPlaceholder(email);
    const invitation = request.sig ? verifyInvitation(this.keys, request.sig) : null;
    if (request.sig && (!invitation || !invited || invitation.userId !== invited.id)) {
      throw AppException.validation('sig is not a valid invitation for this e-mail address');
    }
    // Only the invitation's signature proves the address: without it the placeholder is as taken as any account,
    // or anyone could complete it, and keep a session that the invitee's acceptance would later let in.
    const completing = invitation ? invited : null;
    await this.refuseTaken({ username, email }, completing?.id);

    const account = {
      name: request.name,
      username,
      email,
      password_hash: await this.passwords.hash(request.password),
      status: invitation ? ('confirmed' as const) : ('not-confirmed' as const),
      email_marketing: request.email_marketing,
    };
    // Someone may register the same name or address between the check and the write.
    const user: UserDocument | null = await unlessTaken('username or email is taken', ['username', 'email'], () =>
      completing
        ? this.users.updateById(completing.id, { $set: account })
        : this.users.create({ id: randomUUID(), max_namespaces: -1, ...account }),
    );
    if (user && user.status === 'not-confirmed') await this.sendConfirmation(user);
  }

  /** `GET /api/user/validation_account`: the e-mailed link confirms the account once. */
  async confirm(email: string, token: string): Promise<void> {
    const user = await this.users.findByUsernameOrEmail(email);
    if (
      !user ||
      user.email !== email.toLowerCase() ||
      !(await this.tokens.spend('confirm-account', token, user.id))
    ) {
      throw AppException.validation('the confirmation link is invalid or has expired');
    }
    await this.users.updateById(user.id, { $set: { status: 'confirmed' } });
  }

  async resendConfirmation(username: string): Promise<void> {
    const user = await this.users.findByUsernameOrEmail(username);
    if (user?.status === 'not-confirmed') await this.sendConfirmation(user);
  }

  async requestPasswordRecovery(identifier: string): Promise<void> {
    const user = await this.users.findByUsernameOrEmail(identifier);
    if (!user || user.status !== 'confirmed') return;
    if (!(await this.emailThrottle.allow('password-recovery', user.id))) return;
    const token = await this.tokens.issue('recover-password', user.id);
    const query = new URLSearchParams({ id: user.id, token });
    await this.queue.enqueue(QueueName.Email, EmailJobName.Send, {
      template: PASSWORD_RECOVERY_EMAIL_TEMPLATE,
      to: user.email,
      variables: { name: user.name, link: `${this.options.uiBaseUrl}/update-password?${query.toString()}` },
    });
  }

  /** `POST /api/user/{uid}/update_password`: the e-mailed token sets a new password, once. */
  async resetPassword(userId: string, token: string, password: string): Promise<void> {
    requireNewPassword(password, 'password');
    if (!(await this.tokens.spend('recover-password', token, userId))) {
      throw AppException.validation('the recovery token is invalid or has expired');
    }
    const updated = await this.users.updateById(userId, {
      $set: { password_hash: await this.passwords.hash(password) },
      // Whoever knew the old password may hold a session: a reset ends them all.
      $inc: END_EVERY_SESSION,
    });
    if (!updated) throw AppException.validation('the recovery token is invalid or has expired');
  }

  /**
   * `PATCH /api/users`: any of name, username, e-mail, recovery e-mail and password. A new password, and a new
   * address, need the current password; the recovery address must differ from the main one and, once set, cannot
   * be emptied. A new address takes effect only through the link e-mailed to it, and the address it replaces is
   * told (docs/adr/0004-sessions-and-address-changes.md): a stolen session alone cannot redirect the password
   * recovery and MFA reset mails.
   */
  async updateProfile(userId: string, change: ProfileChange): Promise<void> {
    const user = await this.existing(userId);
    const set: Partial<UserDocument> = {};
    if (change.name !== undefined) set.name = change.name;
    if (change.username !== undefined) set.username = change.username.toLowerCase();
    const addresses: Array<{ field: AddressField; address: string }> = [];
    const email = change.email?.toLowerCase() ?? user.email;
    const recovery = change.recovery_email?.toLowerCase() ?? user.recovery_email ?? '';
    if (email !== user.email) addresses.push({ field: 'email', address: email });
    if (recovery !== (user.recovery_email ?? '')) {
      if (recovery === '')
        throw AppException.validation('recovery_email cannot be emptied once set', ['recovery_email']);
      addresses.push({ field: 'recovery_email', address: recovery });
    }
    if (recovery && recovery === email) {
      throw AppException.userFields(ErrorCode.ValidationFailed, 'recovery_email must differ from email', [
        'email',
        'recovery_email',
      ]);
    }
    if (change.password !== undefined) requireNewPassword(change.password, 'password');
    await this.refuseTaken(
      { username: set.username, email: email === user.email ? undefined : email },
      user.id,
    );

    if (change.password !== undefined || addresses.length > 0) {
      const what =
        change.password !== undefined ? 'the password' : addresses.map(({ field }) => field).join(' or ');
      await this.requireCurrentPassword(user, change.current_password, what);
    }
    if (change.password !== undefined) set.password_hash = await this.passwords.hash(change.password);
    if (Object.keys(set).length > 0) {
      // A new password ends every session, this one too: a stolen token must not outlive the change.
      const ending = set.password_hash === undefined ? {} : { $inc: END_EVERY_SESSION };
      await unlessTaken('username or email is taken', ['username', 'email'], () =>
        this.users.updateById(user.id, { $set: set, ...ending }),
      );
    }
    for (const { field, address } of addresses) await this.requestAddressChange(user, field, address);
  }

  /**
   * `POST /api/user/confirm_address`: the link e-mailed to a new address makes it the user's, once. The address is
   * checked again, as someone may have taken it, or changed the other address, since the link was sent.
   */
  async confirmAddressChange(token: string): Promise<void> {
    const invalid = () => AppException.validation('the confirmation link is invalid or has expired');
    const change = await this.tokens.takeAddressChange(token);
    if (!change) throw invalid();
    const user = await this.users.findById(change.userId);
    if (!user || user.status !== 'confirmed') throw invalid();
    const other = change.field === 'email' ? user.recovery_email : user.email;
    if (other === change.address) {
      throw AppException.userFields(ErrorCode.ValidationFailed, 'recovery_email must differ from email', [
        'email',
        'recovery_email',
      ]);
    }
    if (change.field === 'email') await this.refuseTaken({ email: change.address }, user.id);
    await unlessTaken('email already taken', ['email'], () =>
      this.users.updateById(user.id, { $set: { [change.field]: change.address } }),
    );
  }

  private async requestAddressChange(
    user: UserDocument,
    field: AddressField,
    address: string,
  ): Promise<void> {
    if (!(await this.emailThrottle.allow('address-change', user.id))) {
      // The window started with the first change, so an hour is the longest wait, and a safe Retry-After.
      throw new AppException(ErrorCode.TooManyRequests, 'too many address changes; try again in an hour', undefined, {
        'Retry-After': '3600',
      });
    }
    const label = field === 'email' ? 'e-mail address' : 'recovery e-mail address';
    const token = await this.tokens.issueAddressChange({ userId: user.id, field, address });
    const query = new URLSearchParams({ token });
    await this.queue.enqueue(QueueName.Email, EmailJobName.Send, {
      template: ADDRESS_CHANGE_CONFIRMATION_EMAIL_TEMPLATE,
      to: address,
      variables: {
        name: user.name,
        field: label,
        link: `${this.options.uiBaseUrl}/confirm-address?${query.toString()}`,
      },
    });
    // The address being replaced hears of it; a first recovery address replaces none, so the main one does.
    await this.queue.enqueue(QueueName.Email, EmailJobName.Send, {
      template: ADDRESS_CHANGE_NOTICE_EMAIL_TEMPLATE,
      to: (field === 'email' ? user.email : user.recovery_email) || user.email,
      variables: { name: user.name, field: label, address },
    });
  }

  /** The deprecated `PATCH /api/users/{id}/password`: the new password must differ from the current one. */
  async changePassword(userId: string, currentPassword: string, newPassword: string): Promise<void> {
    const user = await this.existing(userId);
    if (currentPassword === newPassword) {
      throw AppException.validation('new_password must differ from current_password', ['new_password']);
    }
    const hash = await this.checkedNewPassword(user, currentPassword, newPassword);
    await this.users.updateById(user.id, { $set: { password_hash: hash }, $inc: END_EVERY_SESSION });
  }

  /** `DELETE /api/user`: refused while the user owns a namespace; otherwise the user and their memberships go. */
  async deleteAccount(userId: string): Promise<void> {
    const owned = await this.namespaces.countOwnedByUnscoped(userId);
    if (owned > 0) {
      throw AppException.forbidden(
        `the user owns ${owned} namespace(s); delete them or hand them over first`,
      );
    }
    const memberships = await this.memberships.findOfUserUnscoped(userId);
    await Promise.all(
      memberships.map((membership) =>
        this.memberships.deleteOne(tenantScope(membership.tenant_id), { user_id: userId }),
      ),
    );
    await this.users.deleteById(userId);
  }

  /** `GET /api/users/security`: whether the namespace records sessions. */
  async sessionRecording(scope: TenantScope): Promise<boolean> {
    const namespace = await this.namespaces.findOne(scope, {});
    if (!namespace) throw AppException.notFound('namespace');
    return namespace.settings.session_record;
  }

  async setSessionRecording(scope: TenantScope, enabled: boolean): Promise<void> {
    if (!(await this.namespaces.updateOne(scope, {}, { $set: { 'settings.session_record': enabled } }))) {
      throw AppException.notFound('namespace');
    }
  }

  private async sendConfirmation(user: UserDocument): Promise<void> {
    if (!(await this.emailThrottle.allow('account-confirmation', user.id))) return;
    const token = await this.tokens.issue('confirm-account', user.id);
    const query = new URLSearchParams({ email: user.email, token });
    await this.queue.enqueue(QueueName.Email, EmailJobName.Send, {
      template: ACCOUNT_CONFIRMATION_EMAIL_TEMPLATE,
      to: user.email,
      variables: {
        name: user.name,
        link: `${this.options.uiBaseUrl}/validation-account?${query.toString()}`,
      },
    });
  }

  /** The placeholder an invitation created for an address with no account yet, which registration completes. */
  private async invitedPlaceholder(email: string): Promise<UserDocument | null> {
    const user = await this.users.findByUsernameOrEmail(email);
    return user && user.email === email && user.status === 'invited' ? user : null;
  }

  /**
   * 409 naming each field someone else already has, as ShellHub answers. Usernames and addresses are one namespace
   * (both log in), so a wanted username is taken by someone's address too, and the other way round.
   */
  private async refuseTaken(wanted: { username?: string; email?: string }, self?: string): Promise<void> {
    const taken: string[] = [];
    for (const field of ['username', 'email'] as const) {
      const value = wanted[field];
      if (value === undefined) continue;
      const holders = await this.users.findHoldersOf(value);
      if (holders.some((holder) => holder.id !== self)) taken.push(field);
    }
    if (taken.length > 0)
      throw AppException.userFields(ErrorCode.Conflict, `${taken.join(' and ')} already taken`, taken);
  }

  private async checkedNewPassword(
    user: UserDocument,
    current: string | undefined,
    next: string,
  ): Promise<string> {
    requireNewPassword(next, 'password');
    await this.requireCurrentPassword(user, current, 'the password');
    return this.passwords.hash(next);
  }

  private async requireCurrentPassword(
    user: UserDocument,
    current: string | undefined,
    what: string,
  ): Promise<void> {
    if (!current) {
      throw AppException.validation(`current_password is required to change ${what}`, ['current_password']);
    }
    if (!(await this.passwords.matches(user.password_hash, current))) {
      throw AppException.forbidden('current_password is wrong');
    }
  }

  private async existing(userId: string): Promise<UserDocument> {
    const user = await this.users.findById(userId);
    if (!user) throw AppException.unauthorized('invalid or expired token');
    return user;
  }
}

function requireNewPassword(password: string, field: string): void {
  if (password.length < NEW_PASSWORD_LENGTH.min || password.length > NEW_PASSWORD_LENGTH.max) {
    throw AppException.validation(
      `${field} must be ${NEW_PASSWORD_LENGTH.min} to ${NEW_PASSWORD_LENGTH.max} characters`,
      [field],
    );
  }
}

/** A write that a unique index may refuse because someone took the name or address meanwhile: a 409 on those fields. */
async function unlessTaken<T>(message: string, fields: string[], write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (isDuplicateKeyError(error)) throw AppException.userFields(ErrorCode.Conflict, message, fields);
    throw error;
  }
}
