import AxeBuilder from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { billingEnvironment, TEST_STRIPE } from '@fleetgate/testing';
import { type BrowserStack, startBrowserStack } from './support/browser-stack';

/** A public key of the tests' own: stripe-mock accepts any well-formed key, and Stripe.js is faked below anyway. */
const PUBLISHABLE_KEY = 'pk_test_fleetgate_ui';

/**
 * Stripe.js stands in for js.stripe.com (no test reaches the internet): the card field is a plain input, and a
 * complete card becomes `pm_card_visa`, one of the payment method ids stripe-mock knows. What the page does with it
 * (attach through the API, which calls stripe-mock) is real.
 */
const fakeStripeJs = `
window.Stripe = function (key) {
  window.__stripePublishableKey = key;
  return {
    elements: function () {
      return {
        create: function () {
          var handler = null;
          var input = document.createElement('input');
          input.setAttribute('aria-label', 'Card number');
          input.addEventListener('input', function () { if (handler) handler({ complete: input.value.replace(/\\s/g, '').length >= 16 }); });
          return {
            mount: function (element) { element.appendChild(input); },
            destroy: function () { input.remove(); },
            on: function (_event, fn) { handler = fn; },
          };
        },
      };
    },
    createPaymentMethod: function () { return Promise.resolve({ paymentMethod: { id: 'pm_card_visa' } }); },
  };
};`;

async function seriousViolations(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).analyze();
  return violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .flatMap((violation) => violation.nodes.map((node) => `${violation.id}: ${node.target.join(' ')}`));
}

describe('billing and instance administration in Chromium, against the running platform and stripe-mock', () => {
  let stack: BrowserStack;

  beforeAll(async () => {
    stack = await startBrowserStack(__filename, {
      environment: (context) => ({
        ...billingEnvironment(context),
        STRIPE_PUBLISHABLE_KEY: PUBLISHABLE_KEY,
        // An invited member joins at once: the member test needs no invitation e-mail.
        MEMBERS_AUTO_ACCEPT: 'true',
      }),
    });
  }, 180_000);
  afterAll(async () => {
    await stack?.stop();
  });

  it('hands the UI the publishable key, and never the secret key, before anyone signs in', async () => {
    const info = await stack.api<{ billing: unknown }>('GET', '/info');
    expect(info.body.billing).toEqual({ enabled: true, publishable_key: PUBLISHABLE_KEY });
    expect(JSON.stringify(info.body)).not.toContain(TEST_STRIPE.secretKey);
    expect(JSON.stringify(info.body)).not.toContain(TEST_STRIPE.webhookSecret);
  });

  it('lets the owner set billing up, add a card through Stripe.js, subscribe, see invoices and go to Stripe’s portal', async () => {
    const owner = await stack.newAccount('billing');
    const namespace = await stack.newNamespace(owner);
    const { context, page } = await stack.newPage();
    // Anything outside the platform (the portal's address, which stripe-mock makes up) gets a stand-in page; the
    // later route, Stripe.js, takes precedence for its own address.
    await page.route(/^https:\/\//, (route) =>
      route.fulfill({ contentType: 'text/html', body: '<html lang="en"><title>Stripe portal</title><h1>Stripe portal</h1></html>' }),
    );
    let stripeJsRequests = 0;
    await page.route('https://js.stripe.com/**', (route) => {
      stripeJsRequests += 1;
      return route.fulfill({ contentType: 'text/javascript', body: fakeStripeJs });
    });
    await stack.signIn(page, owner.username, owner.password);
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();

    await page.getByRole('link', { name: 'Billing' }).click();
    await page.getByRole('heading', { name: 'Billing', exact: true }).waitFor();
    await page.getByTestId('billing-plan').filter({ hasText: 'Free plan' }).waitFor();
    await page.getByText('0 of 3 devices').waitFor();
    expect(await seriousViolations(page)).toEqual([]);

    await page.getByRole('button', { name: 'Set up billing' }).click();
    await page.getByText('Billing set up').waitFor();
    // stripe-mock answers its fixture customer, whose card shows without its number.
    await page.getByTestId('payment-method').first().waitFor();
    expect(stripeJsRequests).toBe(0);

    await page.getByRole('button', { name: 'Add a card' }).click();
    await page.getByLabel('Card number').fill('4242 4242 4242 4242');
    await page.getByRole('button', { name: 'Save the card' }).click();
    await page.getByText('Card added').waitFor();
    expect(stripeJsRequests).toBe(1);
    expect(await page.evaluate(() => (globalThis as { __stripePublishableKey?: string }).__stripePublishableKey)).toBe(PUBLISHABLE_KEY);

    await page.getByRole('button', { name: 'Subscribe to the paid plan' }).click();
    await page.getByText('Subscribed to the paid plan').waitFor();
    await page.getByTestId('billing-plan').filter({ hasText: 'Paid plan' }).waitFor();
    await page.getByText('0 devices (no limit)').waitFor();
    await page.getByTestId('invoice').first().waitFor();
    const stored = await stack.api<{ billing: { active: boolean; subscription_id: string } }>(
      'GET',
      `/api/namespaces/${namespace.tenant}`,
      undefined,
      namespace.token,
    );
    expect(stored.body.billing).toMatchObject({ active: true, subscription_id: expect.stringMatching(/^sub_/) });
    expect(await seriousViolations(page)).toEqual([]);

    // The page leaves for the portal link the API got from Stripe (stripe-mock's, answered by the stand-in above).
    await page.getByRole('button', { name: 'Manage billing on Stripe' }).click();
    await page.waitForURL((url) => url.protocol === 'https:');
    await page.getByRole('heading', { name: 'Stripe portal' }).waitFor();
    await context.close();
  });

  it('shows a member the plan but no billing action, and the API refuses them anyway', async () => {
    const owner = await stack.newAccount('billing-owner');
    const namespace = await stack.newNamespace(owner);
    const member = await stack.newAccount('billing-member');
    const invited = await stack.api('POST', `/api/namespaces/${namespace.tenant}/members`, { email: member.email, role: 'administrator' }, namespace.token);
    expect(invited.status).toBe(200);
    // The member's only namespace is the owner's: signing in enters it.
    const { context, page } = await stack.newPage();
    await stack.signIn(page, member.username, member.password);
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    await page.getByRole('link', { name: 'Billing' }).click();
    await page.getByTestId('billing-plan').filter({ hasText: 'Free plan' }).waitFor();
    await page.getByText(/Only the namespace’s owner manages billing/).waitFor();
    expect(await page.getByRole('button', { name: 'Set up billing' }).count()).toBe(0);
    const swapped = await stack.api<{ token: string }>('GET', `/api/auth/token/${namespace.tenant}`, undefined, member.token);
    expect(swapped.status).toBe(200);
    expect((await stack.api('POST', '/api/billing/customer', undefined, swapped.body.token)).status).toBe(403);
    await context.close();
  });

  it('shows instance administrators the gateway pages, and nobody else', async () => {
    const person = await stack.newAccount('instance-admin');
    await stack.newNamespace(person);
    const { context, page } = await stack.newPage();
    await stack.signIn(page, person.username, person.password);
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    await page.goto('/admin/host-keys');
    await page.getByRole('heading', { name: 'Page not found' }).waitFor();
    expect(await page.getByText('Administration').count()).toBe(0);

    await stack.context.models.users.updateOne({ username: person.username }, { $set: { admin: true } });
    await page.reload();
    await page.getByRole('heading', { name: 'Gateway host keys' }).waitFor();
    // The gateway stored its first key when it started.
    await page.getByTestId('host-key').filter({ hasText: 'SHA256:' }).first().waitFor();
    await page.getByRole('link', { name: 'Live connections' }).click();
    await page.getByTestId('gateway-process').first().waitFor();
    await page.getByRole('link', { name: 'Gateway audit log' }).click();
    await page.getByRole('heading', { name: 'Gateway audit log' }).waitFor();
    await page.getByText('Events over time').waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await context.close();
  });
});
