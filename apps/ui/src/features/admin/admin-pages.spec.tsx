import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { fakeApi, json } from '../../testing/fake-api';
import { renderPage, signedInAs } from '../../testing/render-page';

// openapi-fetch keeps the fetch it finds when the client is created, so the stand-in must exist before the import.
const fetchMock = vi.hoisted(() => {
  const mock = vi.fn<typeof fetch>();
  globalThis.fetch = mock;
  return mock;
});

const { adminRoutes } = await import('./admin-routes');
const { AdminNavLinks } = await import('./admin-nav-links');

const gatewayProcess = {
  id: 'gw-1',
  hostname: 'edge',
  pid: 4242,
  listening: true,
  address: '0.0.0.0:2222',
  connection_count: 1,
  started_at: '2026-12-05T10:00:00.000Z',
  uptime_seconds: 93_784,
  version: '0.1.0',
};
const connection = {
  id: 'gw-1:c1',
  process: 'gw-1',
  address: '203.0.113.7',
  user: 'pi',
  device: 'a'.repeat(64),
  tenant_id: null,
  started_at: '2026-12-05T11:00:00.000Z',
  bytes_in: 1536,
  bytes_out: 10,
};
const forbidden = () => json({ code: 'forbidden', message: 'only instance administrators may do this' }, 403);
const app = (path: string) => renderPage(<></>, path, [{ path: '/', children: [adminRoutes, { path: '*', element: <AdminNavLinks onNavigate={() => undefined} /> }] }]);

describe('instance administration pages', () => {
  beforeEach(() => {
    fetchMock.mockReset();
    signedInAs('owner');
  });

  it('are a page not found, and absent from the navigation, for whoever the API refuses', async () => {
    const calls = fakeApi(fetchMock, { 'GET /admin/api/status': forbidden });
    app('/admin/connections');
    expect(await screen.findByText('Page not found')).toBeDefined();
    expect(calls.map((call) => call.path)).toEqual(['/admin/api/status']);

    app('/elsewhere');
    await waitFor(() => expect(fetchMock).toHaveBeenCalledTimes(2));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(screen.queryByText('Administration')).toBeNull();
  });

  it('appear in the navigation for an instance administrator', async () => {
    fakeApi(fetchMock, { 'GET /admin/api/status': () => json([gatewayProcess]) });
    app('/elsewhere');
    expect(await screen.findByText('Administration')).toBeDefined();
    expect(screen.getByRole('link', { name: 'Gateway audit log' }).getAttribute('href')).toBe('/admin/audit-log');
  });

  it('list the gateway processes and live connections, and disconnect one after confirmation', async () => {
    const calls = fakeApi(fetchMock, {
      'GET /admin/api/status': () => json([gatewayProcess]),
      'GET /admin/api/connections': () => json([connection], 200, { 'x-total-count': '1' }),
      'DELETE /admin/api/connections/gw-1:c1': () => json(null),
    });
    app('/admin/connections');
    const row = await screen.findByTestId('live-connection');
    expect(within(row).getByText('203.0.113.7')).toBeDefined();
    expect(within(row).getByText('1.5 KiB / 10 B')).toBeDefined();
    expect(within(await screen.findByTestId('gateway-process')).getByText('1 d 2 h')).toBeDefined();
    fireEvent.click(within(row).getByRole('button', { name: 'Disconnect' }));
    fireEvent.click(within(await screen.findByRole('dialog')).getByRole('button', { name: 'Disconnect' }));
    await waitFor(() => expect(calls.some((call) => call.method === 'DELETE' && call.path === '/admin/api/connections/gw-1:c1')).toBe(true));
  });

  it('list host keys by family, generate a missing one at the chosen size, and never retire the last enabled key', async () => {
    const key = { algorithm: 'ed25519', bits: 256, fingerprint: 'SHA256:abc', public_key: 'ssh-ed25519 AAAA', enabled: true, created_at: '2026-12-01T00:00:00Z', updated_at: '2026-12-01T00:00:00Z' };
    const calls = fakeApi(fetchMock, {
      'GET /admin/api/status': () => json([gatewayProcess]),
      'GET /admin/api/host-keys': () => json([key]),
      'POST /admin/api/host-keys/ecdsa': () => json({ ...key, algorithm: 'ecdsa', bits: 256, fingerprint: 'SHA256:new' }),
    });
    app('/admin/host-keys');
    const rows = await screen.findAllByTestId('host-key');
    expect(rows.map((row) => row.textContent)).toEqual([expect.stringContaining('SHA256:abc'), expect.stringContaining('no key'), expect.stringContaining('no key')]);
    expect((within(rows[0]).getByRole('switch') as HTMLInputElement).disabled).toBe(true);
    fireEvent.click(within(rows[1]).getByRole('button', { name: 'Generate' }));
    await waitFor(() => expect(calls.find((call) => call.method === 'POST')).toMatchObject({ path: '/admin/api/host-keys/ecdsa', body: { bits: 256 } }));
  });
});
