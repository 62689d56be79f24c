import { fireEvent, screen, waitFor } from '@testing-library/react';
import { renderWithProviders } from '../../testing/render-with-providers';
import { type MemberRole, sessionStore } from '../auth/session-store';

// openapi-fetch keeps the fetch it finds when the client is created, so the stand-in must exist before the import.
const fetchMock = vi.hoisted(() => {
  const mock = vi.fn<typeof fetch>();
  globalThis.fetch = mock;
  return mock;
});

const { AuthenticationPolicyCard } = await import('./authentication-policy-card');

const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
const stored = { public_key: true, password: true, keyboard_interactive: false, require_mfa: false };

function signInAs(role: MemberRole) {
  sessionStore.set({
    token: 'token',
    user: 'ada',
    name: 'Ada',
    id: 'user-1',
    email: 'ada@example.test',
    recovery_email: '',
    tenant: 'tenant-1',
    role,
    mfa: true,
    max_namespaces: 3,
  });
}

async function requestsMade() {
  return Promise.all(
    fetchMock.mock.calls.map(async ([input]) => {
      const request = input as Request;
      return { method: request.method, url: request.url, body: request.method === 'GET' ? null : await request.clone().json() };
    }),
  );
}

// Mantine forms render slowly in jsdom on a busy machine; 5 s (the default) is too tight.
describe('the authentication policy card', { timeout: 30_000 }, () => {
  beforeEach(() => {
    fetchMock.mockReset();
    fetchMock.mockImplementation(async (input) => {
      const request = input as Request;
      return request.method === 'PUT' ? json(await request.clone().json()) : json(stored);
    });
  });
  afterEach(() => sessionStore.clear());

  it('requires a second factor: passwords are turned off with a warning, and the policy is saved', async () => {
    signInAs('administrator');
    renderWithProviders(<AuthenticationPolicyCard />);
    const mfa = await screen.findByRole('switch', { name: /Require a second factor/ });
    const save = screen.getByRole('button', { name: 'Save the authentication policy' });
    expect(save.hasAttribute('disabled')).toBe(true);

    fireEvent.click(mfa);
    expect(screen.getByText(/Passwords stop working/)).toBeDefined();
    expect(screen.getByRole('checkbox', { name: /^Password/ }).hasAttribute('disabled')).toBe(true);
    fireEvent.click(save);

    await waitFor(async () => expect((await requestsMade()).some((call) => call.method === 'PUT')).toBe(true));
    const put = (await requestsMade()).find((call) => call.method === 'PUT');
    expect(put?.url).toMatch(/\/api\/gateway\/authentication-policy$/);
    expect(put?.body).toEqual({ ...stored, require_mfa: true });
  });

  it('will not save a second factor without public keys', async () => {
    signInAs('owner');
    renderWithProviders(<AuthenticationPolicyCard />);
    fireEvent.click(await screen.findByRole('switch', { name: /Require a second factor/ }));
    fireEvent.click(screen.getByRole('checkbox', { name: /^Public key/ }));
    expect(screen.getByText(/A second factor needs public keys/)).toBeDefined();
    expect(screen.getByRole('button', { name: 'Save the authentication policy' }).hasAttribute('disabled')).toBe(true);
  });

  it('shows an operator the policy without the means to change it', async () => {
    signInAs('operator');
    renderWithProviders(<AuthenticationPolicyCard />);
    expect((await screen.findByRole('switch', { name: /Require a second factor/ })).hasAttribute('disabled')).toBe(true);
    expect(screen.getByRole('checkbox', { name: /^Public key/ }).hasAttribute('disabled')).toBe(true);
    expect(screen.queryByRole('button', { name: 'Save the authentication policy' })).toBeNull();
    expect(screen.getByText(/Only administrators and the owner/)).toBeDefined();
  });
});
