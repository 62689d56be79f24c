import type { DeviceDocument, FirewallRuleDocument } from '@fleetgate/data-access';
import { type AccessVerdict, AccessDecisionService, type ResolvedTarget } from '../access-decision';
import { parseSshid } from '../sshid';
import { closeCodeOf, refusalFromBanner } from './refusal';

const TENANT = '00000000-0000-4000-8000-000000000001';
const decisions = new AccessDecisionService({ maxAuthAttempts: 6 });
const device = (overrides: Partial<DeviceDocument> = {}): DeviceDocument =>
  ({ uid: 'a'.repeat(64), tenant_id: TENANT, name: 'kitchen-pi', status: 'accepted', tags: ['lab'], ...overrides }) as DeviceDocument;
const namespace = { name: 'acme', tenant_id: TENANT };
const login = 'pi@acme.kitchen-pi';
const target = (): ResolvedTarget => {
  const resolution = decisions.target(login, parseSshid(login), { namespace, device: device() });
  if (!resolution.ok) throw new Error(resolution.reason);
  return resolution.target;
};
/** What `GatewaySession` sends in its auth banner for a refusal. */
const banner = (verdict: AccessVerdict | { ok: false; reason: string } | { ok: true }) => {
  if ('allowed' in verdict ? verdict.allowed : verdict.ok) throw new Error('expected a refusal');
  return `Fleetgate: ${(verdict as { reason: string }).reason}\r\n`;
};

/** The refusals come from `AccessDecisionService` itself, so a change of its wording fails here, not in a browser. */
describe('refusalFromBanner', () => {
  it.each([
    ['an offline device', () => banner(decisions.reachable(target(), false)), 'device-offline', 4503],
    ['a firewall rule', () => banner(decisions.firewall(target(), [{ id: 'r', tenant_id: TENANT, action: 'deny', active: true, priority: 3, source_ip: '.*', username: '.*', filter: { hostname: '.*' } } as FirewallRuleDocument], '10.0.0.1')), 'access-denied', 4403],
    ['a key the namespace does not allow', () => banner(decisions.publicKey(target(), null)), 'access-denied', 4403],
    ['a device that is not accepted', () => banner(decisions.target(login, parseSshid(login), { namespace, device: device({ status: 'pending' }) })), 'access-denied', 4403],
    ['a deleted namespace', () => banner(decisions.target(login, parseSshid(login), { namespace: null, device: device() })), 'not-found', 4404],
    ['a missing device', () => banner(decisions.target(login, parseSshid(login), { namespace, device: null })), 'not-found', 4404],
    ['a password lockout', () => banner(decisions.passwordAttempt(target(), { granted: false, reason: 'locked', retryAt: 60_000 }, 0)), 'locked-out', 4403],
    ['a password still being checked', () => banner(decisions.passwordAttempt(target(), { granted: false, reason: 'busy', retryAt: 1_000 }, 0)), 'locked-out', 4403],
    ['too many attempts', () => banner(decisions.attemptsExhausted(6)), 'authentication-failed', 4403],
    ['an unreachable device', () => 'Fleetgate: Device acme.kitchen-pi cannot be reached: the tunnel closed.\r\n', 'unreachable', 4503],
  ])('files %s under its code, with the gateway’s words', (_case, make, code, close) => {
    const text = make();
    const refusal = refusalFromBanner(text);
    expect(refusal).toEqual({ code, message: text.replace(/^Fleetgate: /, '').trim() });
    expect(closeCodeOf(refusal.code)).toBe(close);
  });
});
