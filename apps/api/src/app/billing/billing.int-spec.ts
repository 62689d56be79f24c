import { randomBytes } from 'node:crypto';
import { billingReportJobId, QueueName } from '@fleetgate/contracts';
import {
  billingEnvironment,
  createTestContext,
  freePort,
  persist,
  type RunningHttpApp,
  signedEvent,
  subscriptionObject,
  type TestContext,
} from '@fleetgate/testing';
import { QueueProducer } from '@fleetgate/queue';
import { startApi } from '../../testing/api-environment';
import { readJson } from '../../testing/http';
import { newOwner, type TestMember } from '../../testing/members';

interface Call {
  method?: string;
  body?: unknown;
  tenant?: string;
  headers?: Record<string, string>;
}

/**
 * Issue 11: billing against stripe-mock, Stripe's own mock server (no test reaches the internet). stripe-mock checks
 * that our requests are valid and answers fixtures, so these tests assert what Fleetgate does with the answers, and
 * the webhook, ordering and device-limit behaviour on the real database and Redis.
 */
describe('billing, against stripe-mock', () => {
  let context: TestContext;
  let api: RunningHttpApp;
  let owner: TestMember & { namespace: string };

  const call = (member: TestMember, path: string, { method = 'GET', body, tenant, headers = {} }: Call = {}) =>
    fetch(`${api.url}${path}`, {
      method,
      headers: {
        authorization: member.authorization,
        'content-type': 'application/json',
        ...(tenant ? { 'x-tenant-id': tenant } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const deliver = (delivery: { body: string; signature?: string }, path = '/api/billing/webhook') =>
    fetch(`${api.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(delivery.signature ? { 'stripe-signature': delivery.signature } : {}) },
      body: delivery.body,
    });
  const namespaceDocument = async (tenantId: string) => {
    const namespace = await context.models.namespaces.findOne({ tenant_id: tenantId }).lean();
    if (!namespace) throw new Error(`no namespace ${tenantId}`);
    return namespace;
  };
  /** A namespace of the owner's made through the API, where billing on puts it on the free plan. */
  const freeNamespace = async (): Promise<string> => {
    const response = await call(owner, '/api/namespaces', { method: 'POST', body: { name: `free-${randomBytes(3).toString('hex')}` } });
    expect(response.status).toBe(200);
    return (await readJson<{ tenant_id: string }>(response)).tenant_id;
  };
  const createCustomer = async (tenant: string): Promise<string> => {
    const response = await call(owner, '/api/billing/customer', { method: 'POST', tenant });
    expect(response.status).toBe(200);
    return (await readJson<{ id: string }>(response)).id;
  };
  const now = () => Math.floor(Date.now() / 1000);
  const eventId = () => `evt_${randomBytes(12).toString('hex')}`;

  beforeAll(async () => {
    context = await createTestContext(__filename);
    api = await startApi(context, billingEnvironment(context));
    owner = await newOwner(api);
  }, 60_000);
  afterAll(async () => {
    await api?.close();
    await context?.close();
  });

  it('answers every billing route, and the webhook, with a 404 saying billing is off where it is', async () => {
    const off = await startApi(context);
    try {
      const member = await newOwner(off);
      for (const [method, path] of [
        ['GET', '/api/billing/customer'],
        ['POST', '/api/billing/customer'],
        ['POST', '/api/billing/subscription'],
        ['POST', '/api/billing/evaluate'],
        ['GET', '/api/billing/devices-most-used'],
      ]) {
        const response = await fetch(`${off.url}${path}`, { method, headers: { authorization: member.authorization } });
        expect({ path, status: response.status, message: (await readJson<{ message: string }>(response)).message }).toEqual({
          path,
          status: 404,
          message: expect.stringMatching(/^billing is not enabled on this deployment/),
        });
      }
      const webhook = await fetch(`${off.url}/api/billing/webhook`, { method: 'POST', body: '{}' });
      expect(webhook.status).toBe(404);
    } finally {
      await off.close();
    }
  });

  it('creates one customer per namespace, named after its owner, and shows its cards without their numbers', async () => {
    const created = await call(owner, '/api/billing/customer', { method: 'POST' });
    expect(created.status).toBe(200);
    const customer = await readJson<{ id: string; name: string; email: string }>(created);
    expect(customer).toMatchObject({ id: expect.stringMatching(/^cus_/), name: owner.username, email: `${owner.username}@example.test` });
    expect((await namespaceDocument(owner.tenantId)).billing).toMatchObject({ customer_id: customer.id, status: 'inactive', active: false });

    const again = await call(owner, '/api/billing/customer', { method: 'POST' });
    expect(again.status).toBe(409);

    const read = await readJson<{ id: string; payment_methods: unknown[] }>(await call(owner, '/api/billing/customer'));
    expect(read.id).toBe(customer.id);
    expect(read.payment_methods.length).toBeGreaterThan(0);
    for (const method of read.payment_methods) {
      expect(method).toEqual({
        id: expect.stringMatching(/^pm_/),
        number: expect.stringMatching(/^\d{4}$/),
        brand: expect.any(String),
        exp_month: expect.any(Number),
        exp_year: expect.any(Number),
        cvc: '',
        default: expect.any(Boolean),
      });
    }
  });

  it('attaches, makes default and detaches payment methods by id, and refuses card data', async () => {
    for (const path of ['/api/billing/paymentmethod/attach', '/api/billing/paymentmethod/default', '/api/billing/paymentmethod/detach']) {
      const response = await call(owner, path, { method: 'POST', body: { id: 'pm_card_visa' } });
      expect({ path, status: response.status }).toEqual({ path, status: 200 });
    }
    const cardNumber = await call(owner, '/api/billing/paymentmethod/attach', { method: 'POST', body: { id: '4242424242424242' } });
    expect(cardNumber.status).toBe(400);
    expect((await readJson<{ message: string }>(cardNumber)).message).toMatch(/id must be a Stripe payment method id/);
  });

  it('needs a customer before a subscription, then subscribes once and shows status, end and invoices', async () => {
    const tenant = await freeNamespace();
    const early = await call(owner, '/api/billing/subscription', { method: 'POST', tenant });
    expect(early.status).toBe(404);
    expect((await readJson<{ message: string }>(early)).message).toMatch(/no billing customer yet/);
    await createCustomer(tenant);

    const created = await call(owner, '/api/billing/subscription', { method: 'POST', tenant });
    expect(created.status).toBe(200);
    const subscription = await readJson<{ id: string; active: boolean; status: string; end_at: number; invoices: unknown[] }>(created);
    expect(subscription).toMatchObject({ id: expect.stringMatching(/^sub_/), active: true, end_at: expect.any(Number) });
    expect(subscription.invoices.length).toBeGreaterThan(0);
    for (const invoice of subscription.invoices) {
      expect(invoice).toEqual({ id: expect.stringMatching(/^in_/), status: expect.any(String), currency: expect.any(String), amount: expect.any(Number) });
    }
    // The paid plan has no device limit.
    expect(await namespaceDocument(tenant)).toMatchObject({ max_devices: -1, billing: { active: true, subscription_id: subscription.id } });

    expect((await call(owner, '/api/billing/subscription', { method: 'POST', tenant })).status).toBe(409);
    const read = await readJson<{ id: string }>(await call(owner, '/api/billing/subscription', { tenant }));
    expect(read.id).toBe(subscription.id);

    const portal = await call(owner, '/api/billing/portal', { method: 'POST', tenant });
    expect(portal.status).toBe(200);
    expect((await readJson<{ url: string }>(portal)).url).toMatch(/^https:\/\//);
  });

  it('reports an action to Stripe through one worker job per reported event', async () => {
    const tenant = await freeNamespace();
    await createCustomer(tenant);
    expect((await call(owner, '/api/billing/subscription', { method: 'POST', tenant })).status).toBe(200);
    const requestId = `report-${randomBytes(6).toString('hex')}`;
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const response = await call(owner, '/api/billing/report?action=device_accept', {
        method: 'POST',
        tenant,
        headers: { 'x-request-id': requestId },
      });
      expect(response.status).toBe(200);
    }
    const queue = api.app.get(QueueProducer).queueFor(QueueName.Billing);
    const job = await queue.getJob(billingReportJobId(`device_accept:${tenant}:${requestId}`));
    expect(job?.data).toMatchObject({ tenantId: tenant, action: 'device_accept' });
    const jobsOfTenant = (await queue.getJobs()).filter((queued) => queued.data.tenantId === tenant);
    expect(jobsOfTenant).toHaveLength(1);

    const unknownAction = await call(owner, '/api/billing/report?action=device_delete', { method: 'POST', tenant });
    expect(unknownAction.status).toBe(400);
  });

  it('tells Stripe, through the worker, when a namespace with a subscription is deleted', async () => {
    const tenant = await freeNamespace();
    await createCustomer(tenant);
    const subscription = await readJson<{ id: string }>(await call(owner, '/api/billing/subscription', { method: 'POST', tenant }));
    expect((await call(owner, `/api/namespaces/${tenant}`, { method: 'DELETE', tenant })).status).toBe(200);
    const job = await api.app
      .get(QueueProducer)
      .queueFor(QueueName.Billing)
      .getJob(billingReportJobId(`namespace_delete:${tenant}:${subscription.id}`));
    expect(job?.data).toMatchObject({ tenantId: tenant, action: 'namespace_delete', subscriptionId: subscription.id });
  });

  describe('the webhook', () => {
    let tenant: string;
    let customerId: string;

    beforeAll(async () => {
      tenant = await freeNamespace();
      customerId = await createCustomer(tenant);
    });

    const subscriptionEvent = (id: string, created: number, status: string, type = 'customer.subscription.updated') =>
      signedEvent({ id, type, created, object: subscriptionObject(customerId, 'sub_webhook', status) });

    it('refuses a delivery without a signature, with a bad one, or signed too long ago', async () => {
      const event = subscriptionEvent(eventId(), now(), 'active');
      const unsigned = await deliver({ body: event.body });
      expect(unsigned.status).toBe(400);
      expect((await readJson<{ message: string }>(unsigned)).message).toMatch(/Stripe-Signature header is missing/);

      const forged = signedEvent({ id: eventId(), type: 'customer.subscription.updated', created: now(), object: subscriptionObject(customerId, 'sub_webhook', 'active') }, { secret: 'whsec_not_ours' });
      const badSignature = await deliver(forged);
      expect(badSignature.status).toBe(400);
      expect((await readJson<{ message: string }>(badSignature)).message).toMatch(/Stripe-Signature does not verify/);

      const old = signedEvent({ id: eventId(), type: 'customer.subscription.updated', created: now(), object: subscriptionObject(customerId, 'sub_webhook', 'active') }, { timestamp: now() - 3600 });
      const replayed = await deliver(old);
      expect(replayed.status).toBe(400);
      expect((await readJson<{ message: string }>(replayed)).message).toMatch(/Stripe-Signature does not verify: .*(tolerance|timestamp)/i);

      // Nothing of the refused deliveries reached the namespace.
      expect((await namespaceDocument(tenant)).billing).toMatchObject({ status: 'inactive', active: false });
    });

    it('processes a repeated event once, and an older event arriving late changes nothing', async () => {
      const base = now();
      const activated = subscriptionEvent(eventId(), base + 10, 'active');
      const first = await deliver(activated);
      expect(first.status).toBe(200);
      expect(await readJson(first)).toEqual({ received: true, outcome: 'applied' });
      expect(await namespaceDocument(tenant)).toMatchObject({ max_devices: -1, billing: { status: 'active', active: true } });

      const repeated = await deliver(activated);
      expect(await readJson(repeated)).toEqual({ received: true, outcome: 'duplicate' });
      expect(await context.models.billingEvents.countDocuments({ event_id: JSON.parse(activated.body).id })).toBe(1);

      // Stripe sent "past due" before "active", but it arrives after: it is stale and the namespace stays active.
      const late = await deliver(subscriptionEvent(eventId(), base + 5, 'past_due'), '/api/webhook-billing');
      expect(await readJson(late)).toEqual({ received: true, outcome: 'stale' });
      expect((await namespaceDocument(tenant)).billing).toMatchObject({ status: 'active', event_created: base + 10 });

      const cancelled = await deliver(subscriptionEvent(eventId(), base + 20, 'canceled', 'customer.subscription.deleted'));
      expect(await readJson(cancelled)).toEqual({ received: true, outcome: 'applied' });
      expect(await namespaceDocument(tenant)).toMatchObject({ max_devices: 3, billing: { status: 'canceled', active: false } });
    });

    it('updates the status from invoice events of the current subscription only', async () => {
      const base = now() + 100;
      await deliver(subscriptionEvent(eventId(), base, 'active'));
      const invoice = (subscription: string) => ({
        id: `in_${randomBytes(6).toString('hex')}`,
        object: 'invoice',
        customer: customerId,
        status: 'open',
        currency: 'usd',
        amount_due: 1000,
        parent: { type: 'subscription_details', subscription_details: { subscription } },
      });
      const failed = await deliver(signedEvent({ id: eventId(), type: 'invoice.payment_failed', created: base + 1, object: invoice('sub_webhook') }));
      expect(await readJson(failed)).toEqual({ received: true, outcome: 'applied' });
      // Past due keeps the paid plan: it is a grace period (ShellHub Cloud).
      expect(await namespaceDocument(tenant)).toMatchObject({ max_devices: -1, billing: { status: 'past_due', active: true } });

      const other = await deliver(signedEvent({ id: eventId(), type: 'invoice.paid', created: base + 2, object: invoice('sub_someone_else') }));
      expect(await readJson(other)).toEqual({ received: true, outcome: 'ignored' });
      expect((await namespaceDocument(tenant)).billing?.status).toBe('past_due');
    });
  });

  it('limits a free namespace to 3 devices (402), lifts it on a paid subscription and restores it on cancellation', async () => {
    const tenant = await freeNamespace();
    const customerId = await createCustomer(tenant);
    expect((await namespaceDocument(tenant)).max_devices).toBe(3);
    const devices = [];
    for (let index = 0; index < 4; index += 1) devices.push(await persist.device(context.connection, { tenant_id: tenant }));
    const accept = (uid: string) => call(owner, `/api/devices/${uid}/accept`, { method: 'PATCH', tenant });
    const evaluate = async () => readJson(await call(owner, '/api/billing/evaluate', { method: 'POST', tenant }));

    for (const device of devices.slice(0, 3)) expect((await accept(device.uid)).status).toBe(200);
    const fourth = await accept(devices[3].uid);
    expect(fourth.status).toBe(402);
    expect((await readJson<{ message: string }>(fourth)).message).toMatch(/has reached the 3 accepted devices of the free plan/);
    expect(await evaluate()).toEqual({ can_accept: false, can_connect: true });

    const base = now() + 1000;
    const paid = signedEvent({ id: eventId(), type: 'customer.subscription.created', created: base, object: subscriptionObject(customerId, 'sub_limits', 'active') });
    expect(await readJson(await deliver(paid))).toEqual({ received: true, outcome: 'applied' });
    expect((await accept(devices[3].uid)).status).toBe(200);
    expect(await evaluate()).toEqual({ can_accept: true, can_connect: true });
    // With a paid subscription the acceptance is usage, reported to Stripe by the worker.
    const jobs = await api.app.get(QueueProducer).queueFor(QueueName.Billing).getJobs();
    expect(jobs.some((job) => job.data.tenantId === tenant && job.data.action === 'device_accept')).toBe(true);

    const cancelled = signedEvent({ id: eventId(), type: 'customer.subscription.deleted', created: base + 1, object: subscriptionObject(customerId, 'sub_limits', 'canceled') });
    expect(await readJson(await deliver(cancelled))).toEqual({ received: true, outcome: 'applied' });
    expect(await namespaceDocument(tenant)).toMatchObject({ max_devices: 3, billing: { can_connect: false } });
    expect(await evaluate()).toEqual({ can_accept: false, can_connect: false });

    const suggested = await readJson<Array<{ uid: string }>>(await call(owner, '/api/billing/devices-most-used', { tenant }));
    expect(suggested).toHaveLength(3);
    const tooMany = await call(owner, '/api/billing/device-choice', { method: 'POST', tenant, body: { choices: devices.map((device) => device.uid) } });
    expect(tooMany.status).toBe(400);
    const kept = devices.slice(1).map((device) => device.uid);
    const chosen = await call(owner, '/api/billing/device-choice', { method: 'POST', tenant, body: { choices: kept } });
    expect(chosen.status).toBe(200);
    expect(await readJson(chosen)).toEqual({ can_accept: false, can_connect: true });
    expect(await context.models.devices.findOne({ uid: devices[0].uid }).lean()).toMatchObject({ status: 'pending' });
    expect((await namespaceDocument(tenant)).billing?.can_connect).toBe(true);
  });

  it('lets people connect again once deleting devices brings the namespace within its limit', async () => {
    const tenant = await freeNamespace();
    const customerId = await createCustomer(tenant);
    const devices = [];
    for (let index = 0; index < 5; index += 1) {
      devices.push(await persist.device(context.connection, { tenant_id: tenant, status: 'accepted' }));
    }
    const cancelled = signedEvent({ id: eventId(), type: 'customer.subscription.deleted', created: now(), object: subscriptionObject(customerId, 'sub_deletions', 'canceled') });
    expect(await readJson(await deliver(cancelled))).toEqual({ received: true, outcome: 'applied' });
    expect((await namespaceDocument(tenant)).billing?.can_connect).toBe(false);

    expect((await call(owner, `/api/devices/${devices[0].uid}`, { method: 'DELETE', tenant })).status).toBe(200);
    expect((await namespaceDocument(tenant)).billing?.can_connect).toBe(false);
    expect((await call(owner, `/api/devices/${devices[1].uid}`, { method: 'DELETE', tenant })).status).toBe(200);
    expect((await namespaceDocument(tenant)).billing?.can_connect).toBe(true);
  });

  it('answers 502 saying Stripe failed when Stripe cannot be reached, never a 500 with its internals', async () => {
    const unreachable = await startApi(context, billingEnvironment(context, { port: await freePort() }));
    try {
      const member = await newOwner(unreachable);
      const response = await fetch(`${unreachable.url}/api/billing/customer`, {
        method: 'POST',
        headers: { authorization: member.authorization },
      });
      expect(response.status).toBe(502);
      expect(await readJson(response)).toEqual({ code: 'upstream_unavailable', message: 'Stripe failed: it could not be reached' });
    } finally {
      await unreachable.close();
    }
  }, 60_000);
});
