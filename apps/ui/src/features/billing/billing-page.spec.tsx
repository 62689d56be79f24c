import { fireEvent, screen, waitFor } from '@testing-library/react';
import { fakeApi, json } from '../../testing/fake-api';
import { renderPage, signedInAs } from '../../testing/render-page';

// openapi-fetch keeps the fetch it finds when the client is created, so the stand-in must exist before the import.
const fetchMock = vi.hoisted(() => {
  const mock = vi.fn<typeof fetch>();
  globalThis.fetch = mock;
  return mock;
});

const { BillingPage } = await import('./billing-page');
const { stripeRedirect } = await import('./billing-queries');

const tenant = '00000000-0000-4000-8000-000000000001';
const info = (enabled: boolean) => json({ version: '0.1.0', endpoints: { api: '', ssh: '', tunnel: '' }, setup: true, billing: { enabled, publishable_key: null } });
const namespace = (billing: unknown, extra: Record<string, unknown> = {}) =>
  json({ name: 'acme', owner: 'user-1', tenant_id: tenant, members: [], settings: {}, max_devices: 3, device_count: 2, created_at: '2026-01-01T00:00:00Z', billing, ...extra });
const customer = () =>
  json({
  id: 'cus_1',
  name: 'ada',
  email: 'ada@example.test',
  payment_methods: [{ id: 'pm_1', number: '4242', brand: 'visa', exp_month: 4, exp_year: 2031, cvc: '', default: false }],
});
const withCustomer = { active: false, status: 'inactive', customer_id: 'cus_1', subscription_id: '', current_period_end: 0, can_connect: true };

describe('the billing page', () => {
  // A block, not an arrow returning the mock: vitest would call a returned function as the cleanup.
  beforeEach(() => {
    fetchMock.mockReset();
  });

  it('says billing is off where it is, and asks nothing of the billing API', async () => {
    signedInAs('owner');
    const calls = fakeApi(fetchMock, { 'GET /info': () => info(false), [`GET /api/namespaces/${tenant}`]: () => namespace(null) });
    renderPage(<BillingPage />, '/billing');
    expect(await screen.findByText(/Billing is not enabled on this deployment/)).toBeDefined();
    expect(calls.some((call) => call.path.startsWith('/api/billing'))).toBe(false);
  });

  it('shows a member the plan, and no billing action or card', async () => {
    signedInAs('administrator');
    const calls = fakeApi(fetchMock, { 'GET /info': () => info(true), [`GET /api/namespaces/${tenant}`]: () => namespace(withCustomer) });
    renderPage(<BillingPage />, '/billing');
    expect(await screen.findByText('Free plan')).toBeDefined();
    expect(screen.getByText('2 of 3 devices')).toBeDefined();
    expect(screen.getByText(/Only the namespace’s owner manages billing/)).toBeDefined();
    expect(screen.queryByRole('button', { name: /Subscribe|Set up billing|Manage billing/ })).toBeNull();
    expect(calls.some((call) => call.path.startsWith('/api/billing'))).toBe(false);
  });

  it('lets the owner set billing up: one customer request, then the cards', async () => {
    signedInAs('owner');
    let created = false;
    const calls = fakeApi(fetchMock, {
      'GET /info': () => info(true),
      [`GET /api/namespaces/${tenant}`]: () => namespace(created ? withCustomer : null),
      'POST /api/billing/customer': () => ((created = true), customer()),
      'GET /api/billing/customer': customer,
    });
    renderPage(<BillingPage />, '/billing');
    fireEvent.click(await screen.findByRole('button', { name: 'Set up billing' }));
    expect(await screen.findByText(/visa ···· 4242/)).toBeDefined();
    expect(calls.filter((call) => call.method === 'POST' && call.path === '/api/billing/customer')).toHaveLength(1);
    // No publishable key: cards are added on Stripe's portal, and Stripe.js is never loaded.
    expect(screen.getByText(/Cards are added on Stripe’s billing portal/)).toBeDefined();
    expect(document.querySelector('script[src*="js.stripe.com"]')).toBeNull();
  });

  it('subscribes with a card on file, and sends the owner to Stripe’s portal', async () => {
    signedInAs('owner');
    const assign = vi.spyOn(stripeRedirect, 'assign').mockImplementation(() => undefined);
    const calls = fakeApi(fetchMock, {
      'GET /info': () => info(true),
      [`GET /api/namespaces/${tenant}`]: () => namespace(withCustomer),
      'GET /api/billing/customer': customer,
      'POST /api/billing/subscription': () => json({ id: 'sub_1', active: true, status: 'active', end_at: 0, invoices: [] }),
      'POST /api/billing/portal': () => json({ url: 'https://billing.stripe.com/p/session/test_1' }),
    });
    renderPage(<BillingPage />, '/billing');
    fireEvent.click(await screen.findByRole('button', { name: 'Subscribe to the paid plan' }));
    await waitFor(() => expect(calls.some((call) => call.method === 'POST' && call.path === '/api/billing/subscription')).toBe(true));
    fireEvent.click(screen.getByRole('button', { name: 'Manage billing on Stripe' }));
    await waitFor(() => expect(assign).toHaveBeenCalledWith('https://billing.stripe.com/p/session/test_1'));
    assign.mockRestore();
  });

  it('over the limit, offers the owner the device choice, ticking the suggested devices', async () => {
    signedInAs('owner');
    const device = (uid: string, name: string) => ({ uid: uid.repeat(64), name });
    const calls = fakeApi(fetchMock, {
      'GET /info': () => info(true),
      [`GET /api/namespaces/${tenant}`]: () => namespace({ ...withCustomer, can_connect: false }, { device_count: 3, max_devices: 2 }),
      'GET /api/billing/customer': customer,
      'GET /api/devices': () => json([device('a', 'alpha'), device('b', 'beta'), device('c', 'gamma')], 200, { 'x-total-count': '3' }),
      'GET /api/billing/devices-most-used': () => json([device('c', 'gamma'), device('a', 'alpha')]),
      'POST /api/billing/device-choice': () => json({ can_accept: false, can_connect: true }),
    });
    renderPage(<BillingPage />, '/billing');
    expect(await screen.findByText('Connections are refused')).toBeDefined();
    await waitFor(() => expect((screen.getByLabelText('gamma') as HTMLInputElement).checked).toBe(true));
    expect((screen.getByLabelText('beta') as HTMLInputElement).disabled).toBe(true);
    fireEvent.click(screen.getByRole('button', { name: 'Keep these devices' }));
    await waitFor(() => expect(calls.find((call) => call.path === '/api/billing/device-choice')?.body).toEqual({ choices: ['c'.repeat(64), 'a'.repeat(64)] }));
  });
});
