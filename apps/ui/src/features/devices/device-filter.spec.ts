import {
  decodeFilter,
  defaultDeviceListView,
  deviceFilterItems,
  encodeFilter,
  viewFromSearchParams,
  viewToSearchParams,
} from './device-filter';

describe('device list filter', () => {
  it('sends no filter for the unfiltered view', () => {
    expect(encodeFilter(deviceFilterItems(defaultDeviceListView))).toBeUndefined();
  });

  it('ANDs the search, the tags and the online state with one operator at the end', () => {
    const items = deviceFilterItems({ search: ' pi ', tags: ['lab', 'eu'], online: 'offline' });
    expect(items).toEqual([
      { type: 'property', params: { name: 'name', operator: 'contains', value: 'pi' } },
      { type: 'property', params: { name: 'tags', operator: 'contains', value: ['lab', 'eu'] } },
      { type: 'property', params: { name: 'online', operator: 'bool', value: false } },
      { type: 'operator', params: { name: 'and' } },
    ]);
  });

  it('encodes as standard base64 of UTF-8 JSON, which decodes to the same items', () => {
    const items = deviceFilterItems({ search: 'café ✓', tags: [], online: 'online' });
    const encoded = encodeFilter(items) as string;
    expect(encoded).toMatch(/^[A-Za-z0-9+/]*={0,2}$/);
    expect(decodeFilter(encoded)).toEqual(items);
    expect(JSON.parse(Buffer.from(encoded, 'base64').toString('utf8'))).toEqual(items);
  });

  it('keeps the view in the address bar and reads it back', () => {
    const view = { ...defaultDeviceListView, search: 'gw', tags: ['a', 'b'], online: 'online' as const, sortBy: 'name' as const, order: 'asc' as const, page: 3 };
    const params = viewToSearchParams(view);
    expect(params.toString()).toBe('q=gw&tags=a%2Cb&online=online&sort=name&order=asc&page=3');
    expect(viewFromSearchParams(params)).toEqual(view);
  });

  it('falls back to defaults for values a hand-edited link gets wrong', () => {
    const view = viewFromSearchParams(new URLSearchParams('sort=uid&order=up&page=-2&per_page=7&online=maybe&status=gone'));
    expect(view).toEqual(defaultDeviceListView);
  });
});
