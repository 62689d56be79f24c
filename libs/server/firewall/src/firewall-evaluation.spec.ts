import { evaluateFirewall } from './firewall-evaluation';

const rule = (overrides: Partial<Parameters<typeof evaluateFirewall>[0][number]> & { priority: number }) => ({
  action: 'deny' as const,
  active: true,
  source_ip: '.*',
  username: '.*',
  filter: { hostname: '.*' } as { hostname: string },
  ...overrides,
});
const attempt = { sourceIp: '10.0.0.7', username: 'pi', device: { name: 'kitchen-pi', tags: ['kitchen'] } };

describe('evaluateFirewall', () => {
  it('allows when no rule matches', () => {
    expect(evaluateFirewall([], attempt)).toEqual({ allowed: true, rule: null });
    expect(evaluateFirewall([rule({ priority: 1, username: '^root$' })], attempt).allowed).toBe(true);
  });

  it('lets the lowest priority matching rule decide', () => {
    const rules = [rule({ priority: 5, action: 'deny' }), rule({ priority: 1, action: 'allow', source_ip: '^10\\.' })];
    expect(evaluateFirewall(rules, attempt)).toMatchObject({ allowed: true, rule: { priority: 1 } });
    expect(evaluateFirewall(rules, { ...attempt, sourceIp: '192.168.1.2' })).toMatchObject({ allowed: false, rule: { priority: 5 } });
  });

  it('ignores inactive rules', () => {
    expect(evaluateFirewall([rule({ priority: 1, active: false })], attempt).allowed).toBe(true);
  });

  it('matches by source address, username, hostname and tags', () => {
    expect(evaluateFirewall([rule({ priority: 1, source_ip: '^10\\.0\\.0\\.7$' })], attempt).allowed).toBe(false);
    expect(evaluateFirewall([rule({ priority: 1, username: '^pi$' })], attempt).allowed).toBe(false);
    expect(evaluateFirewall([rule({ priority: 1, filter: { hostname: '^kitchen' } })], attempt).allowed).toBe(false);
    expect(evaluateFirewall([rule({ priority: 1, filter: { tags: ['garage'] } as never })], attempt).allowed).toBe(true);
    expect(evaluateFirewall([rule({ priority: 1, filter: { tags: ['kitchen'] } as never })], attempt).allowed).toBe(false);
  });

  it('lets a rule whose tag filter has no tag left cover no device', () => {
    const emptied = { tags: [] } as never;
    // The allow rule lost its last tag: it allows nothing, so the deny-all below it decides.
    expect(
      evaluateFirewall([rule({ priority: 1, action: 'allow', filter: emptied }), rule({ priority: 2 })], attempt),
    ).toMatchObject({ allowed: false, rule: { priority: 2 } });
    expect(evaluateFirewall([rule({ priority: 1, action: 'allow', filter: {} as never }), rule({ priority: 2 })], attempt).allowed).toBe(false);
    expect(evaluateFirewall([rule({ priority: 1, filter: emptied })], { ...attempt, device: { name: 'bare', tags: [] } }).allowed).toBe(true);
  });

  it('treats a stored pattern that no longer compiles as matching nothing', () => {
    expect(evaluateFirewall([rule({ priority: 1, action: 'allow', username: '(' }), rule({ priority: 2 })], attempt)).toMatchObject({
      allowed: false,
      rule: { priority: 2 },
    });
  });
});
