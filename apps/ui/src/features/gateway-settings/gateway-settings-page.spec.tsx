import { fireEvent, screen, waitFor } from '@testing-library/react';
import { renderWithProviders } from '../../testing/render-with-providers';
import type { GatewaySettings } from './gateway-settings-values';

// openapi-fetch keeps the fetch it finds when the client is created, so the stand-in must exist before the import.
const fetchMock = vi.hoisted(() => {
  const mock = vi.fn<typeof fetch>();
  globalThis.fetch = mock;
  return mock;
});

const { GatewaySettingsPage } = await import('./gateway-settings-page');

const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

const settings: GatewaySettings = {
  user_auth_banner: '',
  greeting: '',
  idle_session_timeout: 0,
  max_connections: 0,
  auth_max_attempts: 6,
  auto_block_max_auth_attempts: 0,
  auto_block_duration: 600,
  allowed_clients: [],
  blocked_clients: ['203.0.113.7'],
  encryption_algorithms: [],
  key_exchange_algorithms: [],
  mac_algorithms: [],
  key_renegotiation_threshold: 0,
  strict_key_exchange: 'on',
  server_version: 'Fleetgate',
  log_level: 'info',
};

// Mantine forms render slowly in jsdom on a busy machine; 5 s (the default) is too tight.
describe('the gateway settings page', { timeout: 30_000 }, () => {
  // A block, not an arrow's value: a function returned from beforeEach is run as a cleanup hook.
  beforeEach(() => {
    fetchMock.mockReset();
  });

  it('saves the whole settings document with the changed banner', async () => {
    fetchMock.mockImplementation(async (input) => {
      const request = input as Request;
      return request.method === 'PUT' ? json(await request.clone().json()) : json(settings);
    });
    renderWithProviders(<GatewaySettingsPage />, '/admin/gateway-settings');
    const banner = await screen.findByLabelText('Banner');
    expect((screen.getByLabelText('Blocked clients') as HTMLTextAreaElement).value).toBe('203.0.113.7');
    fireEvent.change(banner, { target: { value: 'This connection is audited.' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save the settings' }));

    await waitFor(() => expect(fetchMock.mock.calls.some(([input]) => (input as Request).method === 'PUT')).toBe(true));
    const put = fetchMock.mock.calls.map(([input]) => input as Request).find((request) => request.method === 'PUT');
    expect(put?.url).toMatch(/\/admin\/api\/settings$/);
    expect(await put?.json()).toEqual({ ...settings, user_auth_banner: 'This connection is audited.' });
  });

  it('puts the API’s refusal of an algorithm next to its field', async () => {
    const problem = 'unsupported: aes128-foo; supported: aes256-gcm@openssh.com, aes128-ctr';
    fetchMock.mockImplementation(async (input) =>
      (input as Request).method === 'PUT'
        ? json({ code: 'validation', message: `encryption_algorithms: ${problem}`, details: { fields: [{ field: 'encryption_algorithms', problems: [problem] }] } }, 400)
        : json({ ...settings, encryption_algorithms: ['aes128-foo'] }),
    );
    renderWithProviders(<GatewaySettingsPage />, '/admin/gateway-settings');
    fireEvent.change(await screen.findByLabelText('Greeting'), { target: { value: 'hello' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save the settings' }));
    expect(await screen.findByText(problem)).toBeDefined();
  });

  it('checks client addresses before saving', async () => {
    fetchMock.mockImplementation(async () => json(settings));
    renderWithProviders(<GatewaySettingsPage />, '/admin/gateway-settings');
    fireEvent.change(await screen.findByLabelText('Blocked clients'), { target: { value: '203.0.113.7\noffice' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save the settings' }));
    expect(await screen.findByText(/"office" is not an IP address/)).toBeDefined();
    expect(fetchMock).toHaveBeenCalledTimes(1);
  });

  it('tells a person who is not an instance administrator, instead of a form', async () => {
    fetchMock.mockImplementation(async () =>
      json({ code: 'forbidden', message: 'only instance administrators may do this' }, 403),
    );
    renderWithProviders(<GatewaySettingsPage />, '/admin/gateway-settings');
    expect((await screen.findByRole('alert')).textContent).toContain('only instance administrators may do this');
    expect(screen.queryByRole('button', { name: 'Save the settings' })).toBeNull();
  });
});
