import { base64ToUtf8, utf8ToBase64 } from '../../ui/base64';

/** The state of the device list that the URL carries, so that a view can be shared as a link. */
export interface DeviceListView {
  search: string;
  tags: string[];
  online: 'any' | 'online' | 'offline';
  status: 'accepted' | 'pending' | 'rejected';
  sortBy: 'last_seen' | 'name' | 'created_at' | 'status' | 'status_updated_at';
  order: 'asc' | 'desc';
  page: number;
  perPage: number;
}

export const defaultDeviceListView: DeviceListView = {
  search: '',
  tags: [],
  online: 'any',
  status: 'accepted',
  sortBy: 'last_seen',
  order: 'desc',
  page: 1,
  perPage: 20,
};

const sortFields: readonly DeviceListView['sortBy'][] = ['last_seen', 'name', 'created_at', 'status', 'status_updated_at'];
const statuses: readonly DeviceListView['status'][] = ['accepted', 'pending', 'rejected'];
const perPageChoices = [10, 20, 50, 100];

function positiveInteger(text: string | null, fallback: number): number {
  const value = Number(text);
  return Number.isInteger(value) && value > 0 ? value : fallback;
}

function oneOf<T extends string>(text: string | null, allowed: readonly T[], fallback: T): T {
  return allowed.includes(text as T) ? (text as T) : fallback;
}

/** Reads a view from the address bar; anything unknown or malformed falls back to the default, never an error. */
export function viewFromSearchParams(params: URLSearchParams): DeviceListView {
  const perPage = positiveInteger(params.get('per_page'), defaultDeviceListView.perPage);
  return {
    search: params.get('q') ?? '',
    tags: (params.get('tags') ?? '').split(',').map((tag) => tag.trim()).filter(Boolean),
    online: oneOf(params.get('online'), ['any', 'online', 'offline'] as const, 'any'),
    status: oneOf(params.get('status'), statuses, defaultDeviceListView.status),
    sortBy: oneOf(params.get('sort'), sortFields, defaultDeviceListView.sortBy),
    order: oneOf(params.get('order'), ['asc', 'desc'] as const, defaultDeviceListView.order),
    page: positiveInteger(params.get('page'), 1),
    perPage: perPageChoices.includes(perPage) ? perPage : defaultDeviceListView.perPage,
  };
}

/** Writes only what differs from the default, so shared links stay short. */
export function viewToSearchParams(view: DeviceListView): URLSearchParams {
  const params = new URLSearchParams();
  if (view.search.trim()) params.set('q', view.search.trim());
  if (view.tags.length > 0) params.set('tags', view.tags.join(','));
  if (view.online !== 'any') params.set('online', view.online);
  if (view.status !== defaultDeviceListView.status) params.set('status', view.status);
  if (view.sortBy !== defaultDeviceListView.sortBy) params.set('sort', view.sortBy);
  if (view.order !== defaultDeviceListView.order) params.set('order', view.order);
  if (view.page !== 1) params.set('page', String(view.page));
  if (view.perPage !== defaultDeviceListView.perPage) params.set('per_page', String(view.perPage));
  return params;
}

export type FilterItem =
  | { type: 'property'; params: { name: string; operator: 'contains' | 'eq' | 'ne' | 'bool' | 'gt' | 'lt'; value: unknown } }
  | { type: 'operator'; params: { name: 'and' | 'or' } };

/**
 * The API's filter language (ShellHub's): a JSON array read left to right, property items pushing conditions and an
 * operator item combining what is pending. Conditions left pending at the end are ORed by the API, so every
 * condition here is followed by one `and` that combines them all.
 */
export function deviceFilterItems(view: Pick<DeviceListView, 'search' | 'tags' | 'online'>): FilterItem[] {
  const conditions: FilterItem[] = [];
  const search = view.search.trim();
  if (search) conditions.push({ type: 'property', params: { name: 'name', operator: 'contains', value: search } });
  if (view.tags.length > 0) {
    conditions.push({ type: 'property', params: { name: 'tags', operator: 'contains', value: view.tags } });
  }
  if (view.online !== 'any') {
    conditions.push({ type: 'property', params: { name: 'online', operator: 'bool', value: view.online === 'online' } });
  }
  if (conditions.length === 0) return [];
  return [...conditions, { type: 'operator', params: { name: 'and' } }];
}

/** The `filter` query value: base64 (standard alphabet) of the items' JSON, UTF-8 encoded; undefined for none. */
export function encodeFilter(items: FilterItem[]): string | undefined {
  return items.length === 0 ? undefined : utf8ToBase64(JSON.stringify(items));
}

export function decodeFilter(encoded: string): FilterItem[] {
  return JSON.parse(base64ToUtf8(encoded)) as FilterItem[];
}
