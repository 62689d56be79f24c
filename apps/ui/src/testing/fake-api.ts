import type { Mock } from 'vitest';

/** A JSON answer as the API gives it. */
export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
}

export interface FakeCall {
  method: string;
  path: string;
  search: URLSearchParams;
  body: unknown;
}

/**
 * Answers the UI's API calls by `"METHOD /path"` (query strings ignored) from `routes`; a missing route is a 404, so
 * a page that calls something unexpected shows it. Returns every call made, bodies parsed, for the test to check.
 */
export function fakeApi(mock: Mock<typeof fetch>, routes: Record<string, (call: FakeCall) => Response>): FakeCall[] {
  const calls: FakeCall[] = [];
  mock.mockImplementation(async (input, init) => {
    // openapi-fetch hands over a Request, possibly of another realm than this test's (jsdom), so no instanceof.
    const request = typeof input === 'string' || input instanceof URL ? new Request(String(input), init) : (input as Request);
    const url = new URL(request.url);
    const text = await request.text();
    const call: FakeCall = { method: request.method, path: decodeURIComponent(url.pathname), search: url.searchParams, body: text ? JSON.parse(text) : undefined };
    calls.push(call);
    const route = routes[`${call.method} ${call.path}`];
    return route ? route(call) : json({ message: `no fake for ${call.method} ${call.path}` }, 404);
  });
  return calls;
}
