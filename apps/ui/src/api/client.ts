import createClient, { type Middleware } from 'openapi-fetch';
import type { components, paths } from './fleetgate-api.generated';
import { ApiError, apiErrorFrom } from './api-error';
import { sessionStore } from '../features/auth/session-store';

export type Schemas = components['schemas'];

const authorization: Middleware = {
  onRequest({ request }) {
    const token = sessionStore.get()?.token;
    if (token && !request.headers.has('authorization')) request.headers.set('authorization', `Bearer ${token}`);
    return request;
  },
  onResponse({ response, request }) {
    // A session the API no longer honours (expired, revoked by a password change) ends here, for every page. Only
    // reads tell: a write may answer 401 for a wrong password or code it carries, with the session still good.
    if (response.status === 401 && request.method === 'GET' && request.headers.has('authorization')) {
      sessionStore.clear();
    }
    return response;
  },
};

/** The one way the UI calls the API: typed from the API's own OpenAPI document (`nx run ui:api-client`). */
export const api = createClient<paths>({ baseUrl: globalThis.location?.origin ?? 'http://localhost' });
api.use(authorization);

interface FetchOutcome {
  data?: unknown;
  error?: unknown;
  response: Response;
}

type DataOf<Outcome extends FetchOutcome> = Exclude<Outcome['data'], undefined>;

/** The body of a 2xx answer, or an `ApiError` carrying the message and field problems of any other. */
export async function unwrap<Outcome extends FetchOutcome>(call: Promise<Outcome>): Promise<DataOf<Outcome>> {
  const { data, error, response } = await call;
  if (!response.ok) throw apiErrorFrom(response.status, error, response.headers);
  return data as DataOf<Outcome>;
}

/** A page of a list route and the total the API counted (`X-Total-Count`). */
export async function unwrapPage<Outcome extends FetchOutcome>(
  call: Promise<Outcome>,
): Promise<{ items: DataOf<Outcome>; total: number }> {
  const { data, error, response } = await call;
  if (!response.ok) throw apiErrorFrom(response.status, error, response.headers);
  const items = (data ?? []) as DataOf<Outcome>;
  const count = Array.isArray(items) ? items.length : 0;
  const total = Number(response.headers.get('x-total-count') ?? count);
  return { items, total: Number.isFinite(total) ? total : count };
}

export { ApiError };
