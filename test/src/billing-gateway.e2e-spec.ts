import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BillingWebhookService, createStripeClient } from '@fleetgate/billing';
import { loadApiConfig } from '@fleetgate/config';
import { BillingEventsRepository, DevicesRepository, NamespacesRepository } from '@fleetgate/data-access';
import {
  billingEnvironment,
  childEnvironment,
  createTestContext,
  persist,
  serverEnvironment,
  signedEvent,
  subscriptionObject,
  type TestContext,
} from '@fleetgate/testing';
import { ensureLocalUser, runningAsRoot } from './support/local-user';
import { clientOptions, generateClientKey, runAsync } from './support/openssh';
import { TunnelPath, withTimeout } from './support/tunnel-path';

const USER = 'fgtest';
const PASSWORD = 'device-password-42';
const CUSTOMER = 'cus_gateway_test';
const describeAsRoot = runningAsRoot ? describe : describe.skip;

/**
 * Issue 11: the gateway refuses people when a namespace's `can_connect` is false, and tells them why. The path is the
 * real one (gateway session, tunnel, agent, the OpenSSH client); the billing state changes as it does in the API, by
 * Stripe events delivered signed to the webhook service, with the api's own billing configuration.
 */
describeAsRoot('billing at the gateway', () => {
  let context: TestContext;
  let scratch: string;
  let path: TunnelPath;
  let key: string;
  let webhooks: BillingWebhookService;

  const ssh = () =>
    withTimeout(
      runAsync('ssh', [...clientOptions(path.sshPort, key), `${USER}@${path.namespace.name}.${path.device.name}@127.0.0.1`, 'echo through'], {
        env: childEnvironment(),
      }),
      60_000,
      'ssh',
    );
  let clock = Math.floor(Date.now() / 1000);
  const deliver = async (type: string, status: string) => {
    clock += 1;
    const event = signedEvent({
      id: `evt_${randomBytes(10).toString('hex')}`,
      type,
      created: clock,
      object: subscriptionObject(CUSTOMER, 'sub_gateway_test', status),
    });
    return webhooks.receive(Buffer.from(event.body), event.signature);
  };

  beforeAll(async () => {
    context = await createTestContext(__filename);
    scratch = await mkdtemp(join(tmpdir(), 'fleetgate-billing-gateway-'));
    ensureLocalUser(USER, PASSWORD);
    key = generateClientKey(join(scratch, 'id_ed25519'));
    const { billing } = loadApiConfig(serverEnvironment(context, billingEnvironment(context)));
    if (!billing.enabled) throw new Error('billing should be on');
    // Wired as the api wires it, on this test's database.
    webhooks = new BillingWebhookService(
      billing,
      createStripeClient(billing.stripe),
      new NamespacesRepository(context.models.namespaces),
      new DevicesRepository(context.models.devices),
      new BillingEventsRepository(context.models.billingEvents),
    );
  });
  afterAll(async () => {
    await context?.close();
    await rm(scratch, { recursive: true, force: true });
  });
  beforeEach(async () => {
    path = new TunnelPath(context);
    await path.start();
    await path.services.publicKeys.create(path.scope, {
      data: Buffer.from(readFileSync(`${key}.pub`, 'utf8')).toString('base64'),
      filter: { hostname: '.*' },
      name: 'person',
      username: '.*',
    });
    // POST /api/billing/customer on a namespace of the free plan.
    await context.models.namespaces.updateOne(
      { tenant_id: path.tenantId },
      { $set: { max_devices: 3, billing: { active: false, status: 'inactive', customer_id: CUSTOMER, can_connect: true } } },
    );
  });
  afterEach(async () => {
    await path?.stop();
  });

  it('refuses connections after a cancellation leaves more devices than the free plan allows, saying why', async () => {
    expect(await deliver('customer.subscription.created', 'active')).toEqual({ received: true, outcome: 'applied' });
    // On the paid plan the namespace grows to 4 accepted devices: the tunnel's and three more.
    for (let index = 0; index < 3; index += 1) {
      await persist.device(context.connection, { tenant_id: path.tenantId, status: 'accepted' });
    }
    const paid = await ssh();
    expect({ status: paid.status, stdout: paid.stdout }).toEqual({ status: 0, stdout: 'through\n' });
    const streamsWhilePaid = path.agentStreams.length;

    expect(await deliver('customer.subscription.deleted', 'canceled')).toEqual({ received: true, outcome: 'applied' });
    const refused = await ssh();
    expect(refused.status).toBe(255);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toMatch(
      /Namespace acme cannot be reached: its subscription is canceled and the free plan allows 3 accepted devices, and more are accepted\. Its owner must choose which devices stay accepted, or subscribe, before anyone can connect\./,
    );
    // Refused before anything was opened towards the device.
    expect(path.agentStreams.length).toBe(streamsWhilePaid);

    // Subscribing again lets people in at once.
    expect(await deliver('customer.subscription.created', 'active')).toEqual({ received: true, outcome: 'applied' });
    const again = await ssh();
    expect({ status: again.status, stdout: again.stdout }).toEqual({ status: 0, stdout: 'through\n' });
  }, 120_000);

  it('lets people in after a cancellation that leaves the namespace within the free plan', async () => {
    expect(await deliver('customer.subscription.created', 'active')).toEqual({ received: true, outcome: 'applied' });
    expect(await deliver('customer.subscription.deleted', 'canceled')).toEqual({ received: true, outcome: 'applied' });
    const result = await ssh();
    expect({ status: result.status, stdout: result.stdout }).toEqual({ status: 0, stdout: 'through\n' });
  }, 120_000);
});
