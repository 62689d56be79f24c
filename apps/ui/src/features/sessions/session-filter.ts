import type { FilterItem } from '../devices/device-filter';

/** The state of the session list that the URL carries, so that a view can be shared as a link. */
export interface SessionListView {
  state: 'any' | 'active' | 'closed';
  authenticated: 'any' | 'authenticated' | 'failed';
  device: string;
  user: string;
  address: string;
  sortBy: 'started_at' | 'last_seen' | 'username' | 'ip_address' | 'device_uid';
  order: 'asc' | 'desc';
  page: number;
  perPage: number;
}

export const defaultSessionListView: SessionListView = {
  state: 'any',
  authenticated: 'any',
  device: '',
  user: '',
  address: '',
  sortBy: 'started_at',
  order: 'desc',
  page: 1,
  perPage: 20,
};

const sortFields: readonly SessionListView['sortBy'][] = ['started_at', 'last_seen', 'username', 'ip_address', 'device_uid'];
const perPageChoices = [10, 20, 50, 100];
const deviceUidPattern = /^[0-9a-f]{64}$/;

function positiveInteger(text: string | null, fallback: number): number {
  const value = Number(text);
  return Number.isInteger(value) && value > 0 ? value : fallback;
}

function oneOf<T extends string>(text: string | null, allowed: readonly T[], fallback: T): T {
  return allowed.includes(text as T) ? (text as T) : fallback;
}

/** Reads a view from the address bar; anything unknown or malformed falls back to the default, never an error. */
export function sessionViewFromSearchParams(params: URLSearchParams): SessionListView {
  const perPage = positiveInteger(params.get('per_page'), defaultSessionListView.perPage);
  const device = (params.get('device') ?? '').toLowerCase();
  return {
    state: oneOf(params.get('state'), ['any', 'active', 'closed'] as const, 'any'),
    authenticated: oneOf(params.get('auth'), ['any', 'authenticated', 'failed'] as const, 'any'),
    device: deviceUidPattern.test(device) ? device : '',
    user: params.get('user') ?? '',
    address: params.get('address') ?? '',
    sortBy: oneOf(params.get('sort'), sortFields, defaultSessionListView.sortBy),
    order: oneOf(params.get('order'), ['asc', 'desc'] as const, defaultSessionListView.order),
    page: positiveInteger(params.get('page'), 1),
    perPage: perPageChoices.includes(perPage) ? perPage : defaultSessionListView.perPage,
  };
}

/** Writes only what differs from the default, so shared links stay short. */
export function sessionViewToSearchParams(view: SessionListView): URLSearchParams {
  const params = new URLSearchParams();
  if (view.state !== 'any') params.set('state', view.state);
  if (view.authenticated !== 'any') params.set('auth', view.authenticated);
  if (view.device) params.set('device', view.device);
  if (view.user.trim()) params.set('user', view.user.trim());
  if (view.address.trim()) params.set('address', view.address.trim());
  if (view.sortBy !== defaultSessionListView.sortBy) params.set('sort', view.sortBy);
  if (view.order !== defaultSessionListView.order) params.set('order', view.order);
  if (view.page !== 1) params.set('page', String(view.page));
  if (view.perPage !== defaultSessionListView.perPage) params.set('per_page', String(view.perPage));
  return params;
}

/**
 * The view in the API's filter language (see `deviceFilterItems`): every condition, then one `and`. `active` is the
 * stored flag; a session whose gateway vanished keeps it until the worker expires it, and the API shows it as
 * inactive meanwhile, so the list marks each row from the answer, not from the filter.
 */
export function sessionFilterItems(view: Pick<SessionListView, 'state' | 'authenticated' | 'device' | 'user' | 'address'>): FilterItem[] {
  const conditions: FilterItem[] = [];
  if (view.state !== 'any') conditions.push({ type: 'property', params: { name: 'active', operator: 'bool', value: view.state === 'active' } });
  if (view.authenticated !== 'any') {
    conditions.push({ type: 'property', params: { name: 'authenticated', operator: 'bool', value: view.authenticated === 'authenticated' } });
  }
  if (view.device) conditions.push({ type: 'property', params: { name: 'device_uid', operator: 'eq', value: view.device } });
  const user = view.user.trim();
  if (user) conditions.push({ type: 'property', params: { name: 'username', operator: 'contains', value: user } });
  const address = view.address.trim();
  if (address) conditions.push({ type: 'property', params: { name: 'ip_address', operator: 'contains', value: address } });
  if (conditions.length === 0) return [];
  return [...conditions, { type: 'operator', params: { name: 'and' } }];
}
