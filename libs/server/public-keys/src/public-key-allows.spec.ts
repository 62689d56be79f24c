import type { PublicKeyFilter } from '@fleetgate/data-access';
import { publicKeyAllows } from './public-key-allows';

const kitchenPi = { name: 'kitchen-pi', tags: ['kitchen', 'sensors'] };

describe('publicKeyAllows', () => {
  it('lets any login name in when the username pattern is empty', () => {
    const key = { username: '', filter: { hostname: '.*' } };
    expect(publicKeyAllows(key, 'root', kitchenPi)).toBe(true);
    expect(publicKeyAllows(key, 'pi', kitchenPi)).toBe(true);
  });

  it('matches the username pattern unanchored, as Go does', () => {
    const key = { username: 'root', filter: { hostname: '.*' } };
    expect(publicKeyAllows(key, 'root', kitchenPi)).toBe(true);
    expect(publicKeyAllows(key, 'notroot', kitchenPi)).toBe(true);
    expect(publicKeyAllows(key, 'pi', kitchenPi)).toBe(false);
    expect(publicKeyAllows({ username: '^pi$', filter: { hostname: '.*' } }, 'pi2', kitchenPi)).toBe(false);
  });

  it('matches a hostname filter against the device name', () => {
    expect(publicKeyAllows({ username: '', filter: { hostname: '^kitchen-' } }, 'pi', kitchenPi)).toBe(true);
    expect(publicKeyAllows({ username: '', filter: { hostname: '^garage-' } }, 'pi', kitchenPi)).toBe(false);
  });

  it('needs at least one shared tag for a tags filter', () => {
    expect(publicKeyAllows({ username: '', filter: { tags: ['garage', 'sensors'] } }, 'pi', kitchenPi)).toBe(
      true,
    );
    expect(publicKeyAllows({ username: '', filter: { tags: ['garage'] } }, 'pi', kitchenPi)).toBe(false);
    expect(
      publicKeyAllows({ username: '', filter: { tags: ['kitchen'] } }, 'pi', { name: 'x', tags: [] }),
    ).toBe(false);
  });

  it('allows any device with an empty hostname pattern', () => {
    expect(publicKeyAllows({ username: '', filter: { hostname: '' } }, 'pi', kitchenPi)).toBe(true);
  });

  it('allows no device once a tag filter has no tag left (revocation fails closed)', () => {
    expect(publicKeyAllows({ username: '', filter: { tags: [] } }, 'pi', kitchenPi)).toBe(false);
    expect(publicKeyAllows({ username: '', filter: { tags: [] } }, 'pi', { name: 'bare', tags: [] })).toBe(false);
    // A stored document with neither field (written before validation, or by hand) must not open anything either.
    const neither = {} as unknown as PublicKeyFilter;
    expect(publicKeyAllows({ username: '', filter: neither }, 'pi', kitchenPi)).toBe(false);
  });

  it('requires both rules', () => {
    const key = { username: '^pi$', filter: { tags: ['garage'] } };
    expect(publicKeyAllows(key, 'pi', kitchenPi)).toBe(false);
    expect(publicKeyAllows(key, 'pi', { name: 'garage-pi', tags: ['garage'] })).toBe(true);
  });

  it('fails closed on a pattern that does not compile', () => {
    expect(publicKeyAllows({ username: '(', filter: { hostname: '.*' } }, '(', kitchenPi)).toBe(false);
    expect(publicKeyAllows({ username: '', filter: { hostname: '[' } }, 'pi', kitchenPi)).toBe(false);
  });
});
