import { decodeFilter, encodeFilter } from '../devices/device-filter';
import { defaultSessionListView, sessionFilterItems, sessionViewFromSearchParams, sessionViewToSearchParams } from './session-filter';

const deviceUid = 'a'.repeat(64);

describe('the session list’s view and filter', () => {
  it('asks for everything when nothing is chosen', () => {
    expect(sessionFilterItems(defaultSessionListView)).toEqual([]);
    expect(sessionViewToSearchParams(defaultSessionListView).toString()).toBe('');
  });

  it('turns each choice into a condition, all of them joined by one and', () => {
    const items = sessionFilterItems({ state: 'active', authenticated: 'failed', device: deviceUid, user: ' root ', address: '192.0.2.' });
    expect(items).toEqual([
      { type: 'property', params: { name: 'active', operator: 'bool', value: true } },
      { type: 'property', params: { name: 'authenticated', operator: 'bool', value: false } },
      { type: 'property', params: { name: 'device_uid', operator: 'eq', value: deviceUid } },
      { type: 'property', params: { name: 'username', operator: 'contains', value: 'root' } },
      { type: 'property', params: { name: 'ip_address', operator: 'contains', value: '192.0.2.' } },
      { type: 'operator', params: { name: 'and' } },
    ]);
    expect(sessionFilterItems({ ...defaultSessionListView, state: 'closed', authenticated: 'authenticated' })).toEqual([
      { type: 'property', params: { name: 'active', operator: 'bool', value: false } },
      { type: 'property', params: { name: 'authenticated', operator: 'bool', value: true } },
      { type: 'operator', params: { name: 'and' } },
    ]);
  });

  it('keeps the view in the URL and reads it back', () => {
    const view = { ...defaultSessionListView, state: 'closed' as const, device: deviceUid, user: 'pi', sortBy: 'username' as const, order: 'asc' as const, page: 3, perPage: 50 };
    const params = sessionViewToSearchParams(view);
    expect(params.toString()).toBe(`state=closed&device=${deviceUid}&user=pi&sort=username&order=asc&page=3&per_page=50`);
    expect(sessionViewFromSearchParams(params)).toEqual(view);
  });

  it('falls back to the default for anything malformed in the URL', () => {
    const view = sessionViewFromSearchParams(new URLSearchParams('state=maybe&auth=x&device=../etc&sort=password&order=up&page=-2&per_page=7'));
    expect(view).toEqual(defaultSessionListView);
  });

  it('encodes to what the API decodes', () => {
    const items = sessionFilterItems({ ...defaultSessionListView, user: 'é' });
    expect(decodeFilter(encodeFilter(items) as string)).toEqual(items);
  });
});
