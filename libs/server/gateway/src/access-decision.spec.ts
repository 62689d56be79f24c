import type { DeviceDocument, FirewallRuleDocument } from '@fleetgate/data-access';
import { AccessDecisionService, type ResolvedTarget, type TargetLookup } from './access-decision';
import { parseSshid } from './sshid';

const TENANT = '00000000-0000-4000-8000-000000000001';
const decisions = new AccessDecisionService({ maxAuthAttempts: 6 });

const device = (overrides: Partial<DeviceDocument> = {}): DeviceDocument =>
  ({ uid: 'a'.repeat(64), tenant_id: TENANT, name: 'kitchen-pi', status: 'accepted', tags: ['lab'], ...overrides }) as DeviceDocument;
const namespace = { name: 'acme', tenant_id: TENANT };
const resolved = (overrides: Partial<DeviceDocument> = {}): ResolvedTarget => {
  const resolution = decisions.target('pi@acme.kitchen-pi', parseSshid('pi@acme.kitchen-pi'), { namespace, device: device(overrides) });
  if (!resolution.ok) throw new Error(resolution.reason);
  return resolution.target;
};
const rule = (overrides: Partial<FirewallRuleDocument>): FirewallRuleDocument =>
  ({ id: 'r', tenant_id: TENANT, action: 'deny', active: true, priority: 1, source_ip: '.*', username: '.*', filter: { hostname: '.*' }, ...overrides }) as FirewallRuleDocument;

describe('AccessDecisionService', () => {
  describe('target', () => {
    const byName = parseSshid('pi@acme.kitchen-pi');
    const byUid = parseSshid(`pi@${'a'.repeat(64)}`);
    const decide = (login: string, found: TargetLookup) => decisions.target(login, parseSshid(login), found);

    it('refuses a login that is not an SSHID', () => {
      expect(decisions.target('pi', null, { namespace: null, device: null })).toEqual({
        ok: false,
        reason: expect.stringMatching(/"pi" is not a valid target/),
      });
    });

    it('names what is missing: the namespace, the device in it, or the device uid', () => {
      expect(decide('pi@nope.kitchen-pi', { namespace: null, device: null })).toMatchObject({ reason: 'There is no namespace "nope".' });
      expect(decide('pi@acme.nowhere', { namespace, device: null })).toMatchObject({ reason: 'There is no device "nowhere" in namespace "acme".' });
      expect(decisions.target('x', byUid, { namespace: null, device: null })).toMatchObject({ reason: `There is no device with uid ${'a'.repeat(64)}.` });
    });

    it('refuses a device whose namespace no longer exists, by uid and by name (issue 8, item 1)', () => {
      expect(decisions.target('x', byUid, { namespace: null, device: device() })).toEqual({
        ok: false,
        reason: 'Device kitchen-pi belongs to a namespace that no longer exists.',
      });
      expect(decisions.target('x', byName, { namespace: { name: 'acme', tenant_id: 'another' }, device: device() })).toMatchObject({ ok: false });
    });

    it('refuses a device that is not accepted, saying its status', () => {
      for (const status of ['pending', 'rejected', 'removed'] as const) {
        expect(decisions.target('x', byName, { namespace, device: device({ status }) })).toMatchObject({
          ok: false,
          reason: expect.stringContaining(`is ${status}, not accepted`),
        });
      }
    });

    it('resolves an accepted device in an existing namespace, in its tenant', () => {
      const resolution = decisions.target('x', byName, { namespace, device: device() });
      expect(resolution).toMatchObject({ ok: true, target: { namespace: 'acme', user: 'pi', scope: { tenantId: TENANT } } });
    });
  });

  it('refuses an offline device', () => {
    expect(decisions.reachable(resolved(), true)).toEqual({ allowed: true });
    expect(decisions.reachable(resolved(), false)).toEqual({ allowed: false, reason: 'Device acme.kitchen-pi is offline.' });
  });

  describe('billing (issue 11)', () => {
    const billed = (billing: NonNullable<NonNullable<TargetLookup['namespace']>['billing']>) => ({
      ...namespace,
      max_devices: 3,
      billing,
    });

    it('lets a namespace without billing state, or whose can_connect holds, be reached', () => {
      expect(decisions.billing(namespace)).toEqual({ allowed: true });
      expect(decisions.billing(billed({ active: true, status: 'active', can_connect: true }))).toEqual({ allowed: true });
    });

    it('refuses a namespace over its limit after a cancellation, and says why and what the owner must do', () => {
      const over = billed({ active: false, status: 'canceled', can_connect: false });
      expect(decisions.billing(over)).toEqual({
        allowed: false,
        reason:
          'Namespace acme cannot be reached: its subscription is canceled and the free plan allows 3 accepted devices, and more are accepted. Its owner must choose which devices stay accepted, or subscribe, before anyone can connect.',
      });
      const resolution = decisions.target('pi@acme.kitchen-pi', parseSshid('pi@acme.kitchen-pi'), { namespace: over, device: device() });
      expect(resolution).toMatchObject({ ok: false, reason: expect.stringMatching(/^Namespace acme cannot be reached/) });
    });
  });

  describe('firewall', () => {
    it('denies by the first matching rule, naming its priority, and reads IPv4-mapped addresses as IPv4', () => {
      const rules = [rule({ priority: 2 }), rule({ priority: 1, action: 'allow', source_ip: '^10\\.0\\.0\\.7$' })];
      expect(decisions.firewall(resolved(), rules, '::ffff:10.0.0.7')).toMatchObject({ allowed: true, rule: { priority: 1 } });
      expect(decisions.firewall(resolved(), rules, '10.0.0.8')).toMatchObject({
        allowed: false,
        reason: 'Access denied by a firewall rule of namespace acme (priority 2).',
      });
    });

    it('lets an allow rule whose tags were all removed allow nothing, so a deny-all still applies (issue 17, item 1)', () => {
      const rules = [rule({ priority: 1, action: 'allow', filter: { tags: [] } }), rule({ priority: 9 })];
      expect(decisions.firewall(resolved(), rules, '10.0.0.7')).toMatchObject({ allowed: false, rule: { priority: 9 } });
    });
  });

  describe('publicKey', () => {
    it('refuses an unknown key and a key whose filters do not match', () => {
      expect(decisions.publicKey(resolved(), null)).toMatchObject({ allowed: false, reason: 'Access denied: this key may not log in as pi on acme.kitchen-pi.' });
      expect(decisions.publicKey(resolved(), { username: '^root$', filter: { hostname: '.*' } }).allowed).toBe(false);
      expect(decisions.publicKey(resolved(), { username: '', filter: { tags: ['garage'] } }).allowed).toBe(false);
    });

    it('allows a key whose username and device filters match', () => {
      expect(decisions.publicKey(resolved(), { username: '^pi$', filter: { tags: ['lab'] } })).toEqual({ allowed: true });
    });

    it('refuses a key whose tag filter lost its last tag (issue 17, item 1)', () => {
      expect(decisions.publicKey(resolved(), { username: '', filter: { tags: [] } }).allowed).toBe(false);
    });
  });

  describe('passwordAttempt', () => {
    const now = 1_000_000;
    it('lets a granted attempt through', () => {
      expect(decisions.passwordAttempt(resolved(), { granted: true }, now)).toEqual({ allowed: true });
    });
    it('tells a locked-out client how long to wait, and a concurrent one to retry', () => {
      expect(decisions.passwordAttempt(resolved(), { granted: false, reason: 'locked', retryAt: now + 60_000 }, now)).toEqual({
        allowed: false,
        reason: 'Too many failed passwords for pi on acme.kitchen-pi from your address; try again in 60 seconds.',
      });
      expect(decisions.passwordAttempt(resolved(), { granted: false, reason: 'busy', retryAt: now + 1000 }, now)).toMatchObject({
        allowed: false,
        reason: expect.stringMatching(/still being checked/),
      });
    });
    it('locks per device login, apart from API users', () => {
      expect(decisions.passwordSubject(resolved())).toBe(`device:${'a'.repeat(64)}:pi`);
    });
  });

  it('closes a connection after the configured number of failed attempts (issue 8, item 2)', () => {
    expect(decisions.attemptsExhausted(5)).toEqual({ allowed: true });
    expect(decisions.attemptsExhausted(6)).toEqual({ allowed: false, reason: 'Too many authentication attempts (6) on one connection.' });
    expect(new AccessDecisionService({ maxAuthAttempts: 2 }).attemptsExhausted(2).allowed).toBe(false);
  });
});
