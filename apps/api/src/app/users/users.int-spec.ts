import { randomBytes, randomUUID } from 'node:crypto';
import { EmailJobName, type EmailJobPayload, QueueName } from '@fleetgate/contracts';
import {
  type NamespaceDocument,
  type UserDocument,
  UsersRepository,
} from '@fleetgate/data-access';
import { QueueProducer } from '@fleetgate/queue';
import { createTestContext, type RunningHttpApp, type TestContext } from '@fleetgate/testing';
import { setupSign } from '@fleetgate/users';
import { PasswordHashingService, PLATFORM_KEYS } from '@fleetgate/identity';
import type { PlatformKeys } from '@fleetgate/auth';
import { startApi } from '../../testing/api-environment';
import { readJson } from '../../testing/http';
import { newMember, newOwner, postLogin, type TestMember } from '../../testing/members';

interface ErrorJson {
  code: string;
  message: string;
}

describe('users: registration, confirmation, recovery, profile and account deletion', () => {
  let context: TestContext;
  let api: RunningHttpApp;

  const send = (method: string, path: string, body?: unknown, authorization?: string) =>
    fetch(`${api.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const unique = (prefix: string) => `${prefix}${randomBytes(4).toString('hex')}`;
  const users = () => context.models.users;
  const stored = (username: string) => users().findOne({ username }).lean<UserDocument>();

  /** The e-mails enqueued for `to` with `template`, newest last, with the link they carry. */
  const mailsTo = async (to: string, template: string) => {
    const jobs = await api.app.get(QueueProducer).queueFor(QueueName.Email).getJobs();
    return jobs
      .filter((job) => job.name === EmailJobName.Send)
      .map((job) => job.data as EmailJobPayload)
      .filter((payload) => payload.to === to && payload.template === template)
      .map((payload) => ({ payload, link: new URL(payload.variables['link'] ?? 'about:blank') }));
  };
  const lastLink = async (to: string, template: string) => {
    const mails = await mailsTo(to, template);
    const last = mails.at(-1);
    if (!last) throw new Error(`no ${template} e-mail to ${to}`);
    return last.link;
  };
  /** A confirmed user written straight to the database, as data from before a rule existed would be. */
  const registerDirectly = async (fields: { username: string; email: string; password: string }) =>
    api.app.get(UsersRepository).create({
      id: randomUUID(),
      name: fields.username,
      username: fields.username,
      email: fields.email,
      password_hash: await api.app.get(PasswordHashingService).hash(fields.password),
      status: 'confirmed',
      max_namespaces: -1,
    });

  /** Opens the newest address-change link sent to `address`. */
  const confirmAddress = async (address: string) => {
    const token = (await lastLink(address, 'address-change-confirmation')).searchParams.get('token');
    const confirmed = await send('POST', '/api/user/confirm_address', { token });
    expect(confirmed.status).toBe(200);
  };

  const newRegistration = () => {
    const username = unique('user-');
    return {
      name: 'Ada Lovelace',
      email: `${username}@example.test`,
      username,
      password: 'a long passphrase',
      email_marketing: false,
    };
  };

  beforeAll(async () => {
    context = await createTestContext(__filename);
    api = await startApi(context, { PUBLIC_UI_URL: 'https://console.fleetgate.test' });
  });
  afterAll(async () => {
    await api?.close();
    await context.close();
  });

  describe('POST /api/register and GET /api/user/validation_account', () => {
    it('registers an unconfirmed user who cannot log in until the e-mailed link confirms them, once', async () => {
      const registration = newRegistration();
      expect((await send('POST', '/api/register', registration)).status).toBe(200);
      expect((await stored(registration.username))?.status).toBe('not-confirmed');
      expect(
        (await postLogin(api, { username: registration.username, password: registration.password })).status,
      ).toBe(403);

      const link = await lastLink(registration.email, 'account-confirmation');
      expect(link.origin).toBe('https://console.fleetgate.test');
      const query = `email=${encodeURIComponent(link.searchParams.get('email') ?? '')}&token=${link.searchParams.get('token')}`;
      expect(
        (
          await send(
            'GET',
            `/api/user/validation_account?email=${encodeURIComponent(registration.email)}&token=wrong`,
          )
        ).status,
      ).toBe(400);
      expect((await send('GET', `/api/user/validation_account?${query}`)).status).toBe(200);
      expect((await stored(registration.username))?.status).toBe('confirmed');
      expect((await send('GET', `/api/user/validation_account?${query}`)).status).toBe(400);
      expect(
        (await postLogin(api, { username: registration.username, password: registration.password })).status,
      ).toBe(200);
    });

    it('stores the password hashed, and never the token', async () => {
      const registration = newRegistration();
      await send('POST', '/api/register', registration);
      const user = await stored(registration.username);
      expect(user?.password_hash).toMatch(/^\$argon2id\$/);
      const token =
        (await lastLink(registration.email, 'account-confirmation')).searchParams.get('token') ?? '';
      expect(JSON.stringify(user)).not.toContain(token);
    });

    it('answers 409 naming each field someone else has', async () => {
      const first = newRegistration();
      await send('POST', '/api/register', first);
      const both = await send('POST', '/api/register', {
        ...newRegistration(),
        username: first.username,
        email: first.email,
      });
      expect(both.status).toBe(409);
      // ShellHub's contract answers the offending fields, bare, so that its clients can read them.
      expect(await readJson<string[]>(both)).toEqual(['username', 'email']);
      const one = await send('POST', '/api/register', {
        ...newRegistration(),
        username: first.username.toUpperCase(),
      });
      // ShellHub's contract answers the offending fields, bare, so that its clients can read them.
      expect(await readJson<string[]>(one)).toEqual(['username']);
    });

    it.each([
      ['no name', { name: '' }, /name/],
      ['a malformed e-mail address', { email: 'not-an-address' }, /email must be an e-mail address/],
      ['a username with spaces', { username: 'ada lovelace' }, /username must be/],
      ['a password of 7 characters', { password: 'short12' }, /password must be 8 to 128 characters/],
      ['a password of 129 characters', { password: 'x'.repeat(129) }, /password must be 8 to 128 characters/],
      ['no email_marketing', { email_marketing: undefined }, /email_marketing/],
      ['an unknown field', { admin: true }, /admin/],
    ])('refuses %s with a 400 that says why', async (_case, overrides, problem) => {
      const response = await send('POST', '/api/register', { ...newRegistration(), ...overrides });
      expect(response.status).toBe(400);
      expect((await readJson<ErrorJson>(response)).message).toMatch(problem);
    });

    it('accepts a 64-character passphrase with no composition rules', async () => {
      const registration = {
        ...newRegistration(),
        password: 'all lower case words are fine '.repeat(3).slice(0, 64),
      };
      expect((await send('POST', '/api/register', registration)).status).toBe(200);
    });

    it('completes an invited placeholder with the invitation signature, confirmed at once', async () => {
      const owner = await newOwner(api);
      const email = `${unique('invitee-')}@example.test`;
      expect(
        (
          await send(
            'POST',
            `/api/namespaces/${owner.tenantId}/members`,
            { email, role: 'operator' },
            owner.authorization,
          )
        ).status,
      ).toBe(200);
      const sig = (await lastLink(email, 'namespace-invitation')).searchParams.get('sig') ?? '';

      const registration = { ...newRegistration(), email };
      expect((await send('POST', '/api/register', { ...registration, sig: 'forged' })).status).toBe(400);
      expect((await send('POST', '/api/register', { ...registration, sig })).status).toBe(200);
      expect(await stored(registration.username)).toMatchObject({ status: 'confirmed', email });
      expect(await mailsTo(email, 'account-confirmation')).toEqual([]);
      expect(
        (await postLogin(api, { username: registration.username, password: registration.password })).status,
      ).toBe(200);
    });

    it('refuses to complete an invitee’s placeholder without the invitation sig, as any taken address (17.2)', async () => {
      const owner = await newOwner(api);
      const email = `${unique('invitee-')}@example.test`;
      const invited = await send(
        'POST',
        `/api/namespaces/${owner.tenantId}/members`,
        { email, role: 'administrator' },
        owner.authorization,
      );
      expect(invited.status).toBe(200);
      const placeholder = await users().findOne({ email }).lean<UserDocument>();
      expect(placeholder?.status).toBe('invited');

      // The attacker knows only the address: no sig.
      const attacker = { ...newRegistration(), email, password: 'the attacker’s passphrase' };
      const refused = await send('POST', '/api/register', attacker);
      expect(refused.status).toBe(409);
      expect(await readJson<string[]>(refused)).toEqual(['email']);
      // Same answer as an address a confirmed account holds.
      const confirmedHolder = await send('POST', '/api/register', {
        ...newRegistration(),
        email: `${owner.username}@example.test`,
      });
      expect(confirmedHolder.status).toBe(409);
      expect(await readJson<string[]>(confirmedHolder)).toEqual(['email']);

      // Nothing changed: no confirmation mail to the invitee, no account for the attacker.
      expect(await users().findOne({ email }).lean<UserDocument>()).toMatchObject({
        id: placeholder?.id,
        status: 'invited',
        password_hash: '!',
      });
      expect(await mailsTo(email, 'account-confirmation')).toEqual([]);
      expect(await stored(attacker.username)).toBeNull();
      expect((await postLogin(api, { username: email, password: attacker.password })).status).toBe(401);

      // The invitee is not blocked: the link's sig completes the placeholder, confirmed, and they join.
      const sig = (await lastLink(email, 'namespace-invitation')).searchParams.get('sig') ?? '';
      const invitee = { ...newRegistration(), email };
      expect((await send('POST', '/api/register', { ...invitee, sig })).status).toBe(200);
      expect(await stored(invitee.username)).toMatchObject({ id: placeholder?.id, status: 'confirmed' });
      const login = await postLogin(api, { username: email, password: invitee.password });
      expect(login.status).toBe(200);
      const authorization = `Bearer ${(await readJson<{ token: string }>(login)).token}`;
      expect(
        (
          await send(
            'PATCH',
            `/api/namespaces/${owner.tenantId}/members/accept-invite`,
            { sig },
            authorization,
          )
        ).status,
      ).toBe(200);
      // Only the invitee's password opens the account that now holds the invited role.
      expect((await postLogin(api, { username: email, password: attacker.password })).status).toBe(401);
      const swap = await send('GET', `/api/auth/token/${owner.tenantId}`, undefined, authorization);
      expect(swap.status).toBe(200);
      expect(await readJson<{ id: string; role: string }>(swap)).toMatchObject({
        id: placeholder?.id,
        role: 'administrator',
      });
    });

    it('resends the confirmation e-mail, and answers the same for unknown or confirmed users', async () => {
      const registration = newRegistration();
      await send('POST', '/api/register', registration);
      expect((await send('POST', '/api/user/resend_email', { username: registration.username })).status).toBe(
        200,
      );
      expect(await mailsTo(registration.email, 'account-confirmation')).toHaveLength(2);
      expect((await send('POST', '/api/user/resend_email', { username: 'nobody-at-all' })).status).toBe(200);
      expect((await send('POST', '/api/user/resend_email', {})).status).toBe(400);
    });
  });

  describe('e-mail flooding', () => {
    it('sends at most five e-mails an hour per account from the anonymous routes, answering the same throughout', async () => {
      const registration = newRegistration();
      await send('POST', '/api/register', registration);
      for (let attempt = 0; attempt < 8; attempt++) {
        expect(
          (await send('POST', '/api/user/resend_email', { username: registration.username })).status,
        ).toBe(200);
      }
      expect(await mailsTo(registration.email, 'account-confirmation')).toHaveLength(5);
    });
  });

  describe('password recovery', () => {
    it('e-mails a link whose token sets a new password once; the old password stops working', async () => {
      const owner = await newOwner(api);
      const email = `${owner.username}@example.test`;
      expect((await send('POST', '/api/user/recover_password', { username: owner.username })).status).toBe(
        200,
      );
      const link = await lastLink(email, 'password-recovery');
      const uid = link.searchParams.get('id');
      const token = link.searchParams.get('token');
      expect(uid).toBe(owner.userId);

      expect(
        (await send('POST', `/api/user/${uid}/update_password`, { password: 'short', token })).status,
      ).toBe(400);
      expect(
        (
          await send('POST', `/api/user/${randomUUID()}/update_password`, {
            password: 'a new passphrase',
            token,
          })
        ).status,
      ).toBe(400);
      expect(
        (await send('POST', `/api/user/${uid}/update_password`, { password: 'a new passphrase', token }))
          .status,
      ).toBe(200);
      expect(
        (await send('POST', `/api/user/${uid}/update_password`, { password: 'another passphrase', token }))
          .status,
      ).toBe(400);

      expect((await postLogin(api, { username: owner.username, password: owner.password })).status).toBe(401);
      expect((await postLogin(api, { username: owner.username, password: 'a new passphrase' })).status).toBe(
        200,
      );
    });

    it('answers the same for an unknown user, and sends nothing', async () => {
      expect(
        (await send('POST', '/api/user/recover_password', { username: 'nobody@example.test' })).status,
      ).toBe(200);
      expect(await mailsTo('nobody@example.test', 'password-recovery')).toEqual([]);
    });
  });

  describe('PATCH /api/users and the deprecated /api/users/{id}/…', () => {
    it('changes name, username, e-mail and recovery e-mail, each address once its link is opened', async () => {
      const owner = await newOwner(api);
      const username = unique('renamed-');
      const change = {
        name: 'Ada King',
        username,
        email: `${username}@example.test`,
        recovery_email: `${username}@recovery.test`,
      };
      expect(
        (
          await send(
            'PATCH',
            '/api/users',
            { ...change, current_password: owner.password },
            owner.authorization,
          )
        ).status,
      ).toBe(200);
      expect(await stored(username)).toMatchObject({
        name: change.name,
        email: `${owner.username}@example.test`,
      });
      for (const address of [change.email, change.recovery_email]) {
        await confirmAddress(address);
      }
      expect(await stored(username)).toMatchObject(change);
    });

    it('changes an address only with the current password and the link sent to it, telling the old one (17.3)', async () => {
      const owner = await newOwner(api);
      const oldEmail = `${owner.username}@example.test`;
      const attackerEmail = `${unique('attacker-')}@example.test`;
      const attackerRecovery = `${unique('attacker-')}@recovery.test`;
      // A stolen session without the password changes no address.
      const bare = await send('PATCH', '/api/users', { email: attackerEmail }, owner.authorization);
      expect(bare.status).toBe(400);
      expect((await readJson<ErrorJson>(bare)).message).toMatch(
        /current_password is required to change email/,
      );
      const wrong = await send(
        'PATCH',
        '/api/users',
        { recovery_email: attackerRecovery, current_password: 'not the password' },
        owner.authorization,
      );
      expect(wrong.status).toBe(403);
      expect(await mailsTo(attackerEmail, 'address-change-confirmation')).toEqual([]);
      expect(await mailsTo(attackerRecovery, 'address-change-confirmation')).toEqual([]);
      expect(await users().findOne({ id: owner.userId }).lean<UserDocument>()).toMatchObject({
        email: oldEmail,
      });
      expect(
        (await users().findOne({ id: owner.userId }).lean<UserDocument>())?.recovery_email,
      ).toBeUndefined();

      // With the password, the change waits for the new address's link; the old address is told at once.
      const asked = await send(
        'PATCH',
        '/api/users',
        { email: attackerEmail, current_password: owner.password },
        owner.authorization,
      );
      expect(asked.status).toBe(200);
      const [notice] = await mailsTo(oldEmail, 'address-change-notice');
      expect(notice?.payload.variables).toMatchObject({ address: attackerEmail });
      expect(await users().findOne({ id: owner.userId }).lean<UserDocument>()).toMatchObject({
        email: oldEmail,
      });
      // Until then, recovery still goes to the old address.
      expect((await send('POST', '/api/user/recover_password', { username: owner.username })).status).toBe(
        200,
      );
      expect(await mailsTo(oldEmail, 'password-recovery')).toHaveLength(1);
      expect(await mailsTo(attackerEmail, 'password-recovery')).toEqual([]);

      const link = await lastLink(attackerEmail, 'address-change-confirmation');
      expect(link.origin + link.pathname).toBe('https://console.fleetgate.test/confirm-address');
      expect((await send('POST', '/api/user/confirm_address', { token: 'forged' })).status).toBe(400);
      expect((await send('POST', '/api/user/confirm_address', {})).status).toBe(400);
      const token = link.searchParams.get('token');
      expect((await send('POST', '/api/user/confirm_address', { token })).status).toBe(200);
      expect(await users().findOne({ id: owner.userId }).lean<UserDocument>()).toMatchObject({
        email: attackerEmail,
      });
      expect((await send('POST', '/api/user/confirm_address', { token })).status).toBe(400);
    });

    it('keeps the recovery e-mail apart from the main one, and never empties it once set', async () => {
      const owner = await newOwner(api);
      const same = await send(
        'PATCH',
        '/api/users',
        { recovery_email: `${owner.username}@example.test` },
        owner.authorization,
      );
      expect(same.status).toBe(400);
      // ShellHub's contract answers the offending fields, bare, so that its clients can read them.
      expect(await readJson<string[]>(same)).toEqual(['email', 'recovery_email']);
      const backup = `${unique('backup-')}@recovery.test`;
      expect(
        (
          await send(
            'PATCH',
            '/api/users',
            { recovery_email: backup, current_password: owner.password },
            owner.authorization,
          )
        ).status,
      ).toBe(200);
      await confirmAddress(backup);
      const emptied = await send('PATCH', '/api/users', { recovery_email: '' }, owner.authorization);
      expect(emptied.status).toBe(400);
      expect((await readJson<ErrorJson>(emptied)).message).toMatch(/cannot be emptied/);
      expect(
        (
          await send(
            'PATCH',
            '/api/users',
            { email: backup, current_password: owner.password },
            owner.authorization,
          )
        ).status,
      ).toBe(400);
    });

    it('changes the password only with the current one', async () => {
      const owner = await newOwner(api);
      expect(
        (await send('PATCH', '/api/users', { password: 'a new passphrase' }, owner.authorization)).status,
      ).toBe(400);
      expect(
        (
          await send(
            'PATCH',
            '/api/users',
            { password: 'a new passphrase', current_password: 'wrong one!' },
            owner.authorization,
          )
        ).status,
      ).toBe(403);
      expect(
        (
          await send(
            'PATCH',
            '/api/users',
            { password: 'a new passphrase', current_password: owner.password },
            owner.authorization,
          )
        ).status,
      ).toBe(200);
      expect((await postLogin(api, { username: owner.username, password: 'a new passphrase' })).status).toBe(
        200,
      );
    });

    it('answers 409 naming a taken username or e-mail', async () => {
      const owner = await newOwner(api);
      const other = await newOwner(api);
      const taken = await send(
        'PATCH',
        '/api/users',
        { username: other.username, email: `${other.username}@example.test` },
        owner.authorization,
      );
      expect(taken.status).toBe(409);
      // ShellHub's contract answers the offending fields, bare, so that its clients can read them.
      expect(await readJson<string[]>(taken)).toEqual(['username', 'email']);
    });

    it('keeps usernames and e-mail addresses apart, wherever they are set (17.6)', async () => {
      const victim = await newOwner(api);
      const attacker = await newOwner(api);
      const victimEmail = `${victim.username}@example.test`;
      const emailShaped = await send(
        'PATCH',
        '/api/users',
        { username: victimEmail },
        attacker.authorization,
      );
      expect(emailShaped.status).toBe(400);
      expect((await readJson<ErrorJson>(emailShaped)).message).toMatch(/no "@"/);
      expect(
        (
          await send(
            'PATCH',
            `/api/users/${attacker.userId}/data`,
            { username: victimEmail },
            attacker.authorization,
          )
        ).status,
      ).toBe(400);
      const registered = await send('POST', '/api/register', {
        ...newRegistration(),
        username: 'someone@else.test',
      });
      expect(registered.status).toBe(400);
      expect((await readJson<ErrorJson>(registered)).message).toMatch(/no "@"/);

      // A username stored before the rule (or by another path) that equals an address still blocks that address,
      // and the address's owner keeps their logins and recovery mails.
      const legacyName = `${unique('legacy-')}@example.test`;
      const password = 'legacy passphrase';
      const legacy = await registerDirectly({
        username: legacyName,
        email: `${unique('other-')}@example.test`,
        password,
      });
      const claimed = await send('POST', '/api/register', { ...newRegistration(), email: legacyName });
      expect(claimed.status).toBe(409);
      expect(await readJson<string[]>(claimed)).toEqual(['email']);

      const holderOfAddress = await registerDirectly({
        username: unique('holder-'),
        email: legacyName,
        password,
      });
      const login = await postLogin(api, { username: legacyName, password });
      expect(login.status).toBe(200);
      expect((await readJson<{ id: string }>(login)).id).toBe(holderOfAddress.id);
      expect((await send('POST', '/api/user/recover_password', { username: legacyName })).status).toBe(200);
      const recovery = await lastLink(legacyName, 'password-recovery');
      expect(recovery.searchParams.get('id')).toBe(holderOfAddress.id);
      expect(recovery.searchParams.get('id')).not.toBe(legacy.id);
    });

    it('serves the deprecated routes for the caller only', async () => {
      const owner = await newOwner(api);
      const other = await newOwner(api);
      expect(
        (await send('PATCH', `/api/users/${owner.userId}/data`, { name: 'Renamed' }, owner.authorization))
          .status,
      ).toBe(200);
      expect(
        (await send('PATCH', `/api/users/${other.userId}/data`, { name: 'Hijacked' }, owner.authorization))
          .status,
      ).toBe(403);
      const password = { current_password: owner.password, new_password: 'a fresh passphrase' };
      expect(
        (await send('PATCH', `/api/users/${other.userId}/password`, password, owner.authorization)).status,
      ).toBe(403);
      expect(
        (
          await send(
            'PATCH',
            `/api/users/${owner.userId}/password`,
            { ...password, new_password: owner.password },
            owner.authorization,
          )
        ).status,
      ).toBe(400);
      expect(
        (
          await send(
            'PATCH',
            `/api/users/${owner.userId}/password`,
            { ...password, current_password: 'wrong one!' },
            owner.authorization,
          )
        ).status,
      ).toBe(403);
      expect(
        (await send('PATCH', `/api/users/${owner.userId}/password`, password, owner.authorization)).status,
      ).toBe(200);
      expect(
        (await postLogin(api, { username: owner.username, password: 'a fresh passphrase' })).status,
      ).toBe(200);
    });

    it('needs a user token', async () => {
      expect((await send('PATCH', '/api/users', { name: 'x' })).status).toBe(401);
      expect((await send('PATCH', `/api/users/${randomUUID()}/data`, { name: 'x' })).status).toBe(401);
      expect((await send('PATCH', `/api/users/${randomUUID()}/password`, {})).status).toBe(401);
      expect((await send('DELETE', '/api/user')).status).toBe(401);
      expect((await send('GET', '/api/users/security')).status).toBe(401);
    });
  });

  describe('DELETE /api/user', () => {
    it('refuses while the user owns a namespace; a member who owns none is deleted with their memberships', async () => {
      const owner = await newOwner(api);
      const member = await newMember(api, owner.tenantId, 'operator');
      const refused = await send('DELETE', '/api/user', undefined, owner.authorization);
      expect(refused.status).toBe(403);
      expect((await readJson<ErrorJson>(refused)).message).toMatch(/owns 1 namespace/);

      expect((await send('DELETE', '/api/user', undefined, member.authorization)).status).toBe(200);
      expect(await users().findOne({ id: member.userId }).lean()).toBeNull();
      expect((await postLogin(api, { username: member.username, password: member.password })).status).toBe(
        401,
      );
      const listed = await readJson<{ members: Array<{ id: string }> }>(
        await send('GET', `/api/namespaces/${owner.tenantId}`, undefined, owner.authorization),
      );
      expect(listed.members.map((entry) => entry.id)).not.toContain(member.userId);
    });
  });

  describe('session recording: GET /api/users/security and PUT /api/users/security/{tenant}', () => {
    it('answers and sets the namespace’s setting, for administrators and owners only', async () => {
      const owner = await newOwner(api);
      const roles: Record<string, TestMember> = {
        observer: await newMember(api, owner.tenantId, 'observer'),
        operator: await newMember(api, owner.tenantId, 'operator'),
        administrator: await newMember(api, owner.tenantId, 'administrator'),
      };
      const path = `/api/users/security/${owner.tenantId}`;
      expect(
        (await send('PUT', path, { session_record: false }, roles['observer']?.authorization)).status,
      ).toBe(403);
      expect(
        (await send('PUT', path, { session_record: false }, roles['operator']?.authorization)).status,
      ).toBe(403);
      expect(
        (await send('PUT', path, { session_record: false }, roles['administrator']?.authorization)).status,
      ).toBe(200);
      expect(
        await readJson(await send('GET', '/api/users/security', undefined, roles['observer']?.authorization)),
      ).toBe(false);
      expect((await send('PUT', path, { session_record: true }, owner.authorization)).status).toBe(200);
      expect(await readJson(await send('GET', '/api/users/security', undefined, owner.authorization))).toBe(
        true,
      );
      expect((await send('PUT', path, { session_record: 'yes' }, owner.authorization)).status).toBe(400);

      const stranger = await newOwner(api);
      expect((await send('PUT', path, { session_record: false }, stranger.authorization)).status).toBe(404);
      const namespace = await context.models.namespaces
        .findOne({ tenant_id: owner.tenantId })
        .lean<NamespaceDocument>();
      expect(namespace?.settings.session_record).toBe(true);
    });
  });
});

describe('first-run setup: POST /api/setup', () => {
  let context: TestContext;
  let api: RunningHttpApp;

  const setup = (sign: string | null, body: unknown) =>
    fetch(`${api.url}/api/setup${sign === null ? '' : `?sign=${sign}`}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const body = {
    name: 'Admin',
    email: 'admin@example.test',
    username: 'first.admin',
    password: 'a long passphrase',
  };

  beforeAll(async () => {
    context = await createTestContext(`${__filename}#setup`);
    api = await startApi(context);
  });
  afterAll(async () => {
    await api?.close();
    await context.close();
  });

  it('needs the installation’s sign, creates the first user and their namespace, and closes for good', async () => {
    const sign = setupSign(api.app.get<PlatformKeys>(PLATFORM_KEYS));
    expect((await setup(null, body)).status).toBe(400);
    expect((await setup('0'.repeat(64), body)).status).toBe(403);
    expect((await setup(sign, { ...body, password: 'short' })).status).toBe(400);
    // Usernames are never e-mail-shaped (17.6), on setup too.
    expect((await setup(sign, { ...body, username: 'admin@example.test' })).status).toBe(400);
    expect((await readJson<{ setup: boolean }>(await fetch(`${api.url}/info`))).setup).toBe(false);

    expect((await setup(sign, body)).status).toBe(200);
    const login = await postLogin(api, { username: 'first.admin', password: 'a long passphrase' });
    expect(login.status).toBe(200);
    expect(await readJson(login)).toMatchObject({ name: 'Admin', role: 'owner', tenant: expect.any(String) });
    const namespace = await context.models.namespaces
      .findOne({})
      .lean<NamespaceDocument>();
    expect(namespace).toMatchObject({ name: 'first-admin', settings: { session_record: false } });
    expect((await readJson<{ setup: boolean }>(await fetch(`${api.url}/info`))).setup).toBe(true);

    expect((await setup(sign, { ...body, username: 'second', email: 'second@example.test' })).status).toBe(
      403,
    );
  });
});
