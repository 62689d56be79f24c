import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { authenticator } from 'otplib';
import type { Page } from 'playwright-core';
import { eventually } from './support/platform';
import { type Account, type BrowserStack, linkIn, startBrowserStack } from './support/browser-stack';

/** A TOTP code `offsetSteps` 30-second steps from now: the API accepts one step of drift and each step once. */
const totpCode = (secret: string, offsetSteps = 0) =>
  authenticator.clone({ epoch: Date.now() + offsetSteps * 30_000 }).generate(secret);

/** Serious and critical accessibility violations on the page as it is now, as "rule: target" lines. */
async function seriousViolations(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).analyze();
  return violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .flatMap((violation) => violation.nodes.map((node) => `${violation.id}: ${node.target.join(' ')}`));
}

describe('the web UI in Chromium, against the running platform', () => {
  let stack: BrowserStack;
  const startedAt = Date.now();

  beforeAll(async () => {
    stack = await startBrowserStack(__filename);
  }, 180_000);
  afterAll(async () => {
    await stack?.stop();
    process.stdout.write(`browser suite: ${((Date.now() - startedAt) / 1000).toFixed(1)} s\n`);
  });

  /** A fresh confirmed user who owns a namespace, signed in to the UI on that namespace. */
  async function ownerSignedIn(prefix: string) {
    const owner = await stack.newAccount(prefix);
    const namespace = await stack.newNamespace(owner);
    const { context, page } = await stack.newPage();
    await stack.signIn(page, owner.username, owner.password);
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    return { owner, namespace, context, page };
  }

  it('1. signs up, confirms through the e-mail the SMTP sink received, and signs in', async () => {
    const { context, page } = await stack.newPage();
    const username = `signup-${Date.now().toString(36)}`;
    const email = `${username}@example.test`;
    await page.goto('/sign-up');
    // The form checks before sending: nothing reaches the API with a bad address.
    await page.getByLabel('E-mail').fill('not-an-address');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByText('an e-mail address, like name@example.com').waitFor();

    await page.getByLabel('Name', { exact: true }).fill('Grace Hopper');
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('E-mail').fill(email);
    await page.getByLabel('Password', { exact: true }).fill('a long passphrase 1');
    await page.getByLabel('Confirm password').fill('a long passphrase 1');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('heading', { name: 'Check your e-mail' }).waitFor();

    const link = linkIn((await stack.smtp.nextTo(email, 20_000)).text);
    expect(link.origin).toBe(stack.ui);
    await page.goto(link.toString());
    await page.getByText('Your account is confirmed').waitFor();
    await page.getByRole('link', { name: 'Sign in' }).click();
    await stack.signIn(page, username, 'a long passphrase 1');
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    await page.getByText('You have no namespace yet').waitFor();
    await context.close();
  });

  it('2. accepts a pending device of a real agent, renames it, tags it and filters the list by the tag', async () => {
    const { namespace, context, page } = await ownerSignedIn('devices');
    await stack.startAgent(namespace.tenant, 'edge-one');
    await eventually(async () => {
      const listed = await stack.api<unknown[]>('GET', '/api/devices?status=pending', undefined, namespace.token);
      return listed.body.length === 1;
    }, 20_000, 'the pending device');

    await page.goto('/devices?status=pending');
    await page.getByRole('checkbox', { name: 'Select edge-one' }).check();
    await page.getByRole('button', { name: 'Accept selected' }).click();
    await page.getByText('1 device accepted').waitFor();

    await page.goto('/devices');
    await page.getByRole('link', { name: 'edge-one' }).click();
    await page.getByRole('button', { name: 'Rename' }).click();
    await page.getByLabel('New name').fill('edge.bad name');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('1 to 64 letters, digits, dashes or underscores').waitFor();
    await page.getByLabel('New name').fill('kitchen-pi');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('heading', { name: 'kitchen-pi' }).waitFor();

    const tags = page.getByRole('textbox', { name: 'Tags' });
    await tags.fill('kitchen');
    await tags.press('Enter');
    await page.getByText('Tags saved').waitFor();

    await stack.startAgent(namespace.tenant, 'edge-two');
    await eventually(async () => {
      const listed = await stack.api<unknown[]>('GET', '/api/devices?status=pending', undefined, namespace.token);
      return listed.body.length === 1;
    }, 20_000, 'the second device');
    const pendingUid = (await stack.api<Array<{ uid: string }>>('GET', '/api/devices?status=pending', undefined, namespace.token)).body[0].uid;
    await stack.api('PATCH', `/api/devices/${pendingUid}/accept`, undefined, namespace.token);

    await page.goto('/devices');
    await page.getByRole('link', { name: 'edge-two' }).waitFor();
    await page.getByRole('textbox', { name: 'Tags' }).fill('kitchen');
    await page.getByRole('textbox', { name: 'Tags' }).press('Enter');
    await page.waitForURL(/tags=kitchen/);
    await page.getByRole('link', { name: 'edge-two' }).waitFor({ state: 'detached' });
    expect(await page.getByRole('link', { name: 'kitchen-pi' }).isVisible()).toBe(true);
    // The view is in the address: the same link, opened in another browser context, shows the same list.
    const shared = await stack.browser.newContext({ baseURL: stack.ui, storageState: await context.storageState() });
    const sharedPage = await shared.newPage();
    await sharedPage.goto(page.url());
    await sharedPage.getByRole('link', { name: 'kitchen-pi' }).waitFor();
    expect(await sharedPage.getByRole('link', { name: 'edge-two' }).count()).toBe(0);
    await shared.close();
    await context.close();
  });

  it('5. adds a public key (fingerprint shown before saving) and firewall rules, and reorders the rules', async () => {
    const { namespace, context, page } = await ownerSignedIn('rules');
    const keyDirectory = mkdtempSync(join(tmpdir(), 'fleetgate-ui-key-'));
    try {
      execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'ui@test', '-f', join(keyDirectory, 'id')]);
      const publicKey = readFileSync(join(keyDirectory, 'id.pub'), 'utf8').trim();
      const fingerprint = execFileSync('ssh-keygen', ['-E', 'md5', '-lf', join(keyDirectory, 'id.pub')], { encoding: 'utf8' })
        .split(' ')[1]
        .replace(/^MD5:/, '');

      await page.goto('/public-keys');
      await page.getByRole('textbox', { name: 'Name', exact: true }).fill('laptop');
      await page.getByLabel('Public key').fill(publicKey);
      await page.getByText(fingerprint).first().waitFor();
      await page.getByRole('button', { name: 'Save the key' }).click();
      await page.getByRole('cell', { name: fingerprint }).waitFor();
    } finally {
      rmSync(keyDirectory, { recursive: true, force: true });
    }

    await page.goto('/firewall');
    for (const username of ['alice', 'bob']) {
      await page.getByLabel('Username pattern').fill(username);
      await page.getByRole('button', { name: 'Add the rule' }).click();
      await page.getByRole('cell', { name: username, exact: true }).waitFor();
    }
    const usernamesInOrder = () => page.getByTestId('firewall-rule').locator('td:nth-child(5)').allTextContents();
    expect(await usernamesInOrder()).toEqual(['alice', 'bob']);

    await page.getByTestId('firewall-rule').nth(1).dragTo(page.getByTestId('firewall-rule').nth(0));
    await page.getByText('Rule order saved').waitFor();
    await eventually(async () => JSON.stringify(await usernamesInOrder()) === JSON.stringify(['bob', 'alice']), 10_000, 'the new order');
    const saved = await stack.api<Array<{ username: string; priority: number }>>('GET', '/api/firewall/rules', undefined, namespace.token);
    expect([...saved.body].sort((a, b) => a.priority - b.priority).map((rule) => rule.username)).toEqual(['bob', 'alice']);

    await page.getByRole('button', { name: 'Move rule 2 up' }).click();
    await eventually(async () => JSON.stringify(await usernamesInOrder()) === JSON.stringify(['alice', 'bob']), 10_000, 'the order restored');
    await context.close();
  });

  it('6. enables MFA with a code computed here, signs out, and signs in with a fresh code', async () => {
    const { owner, context, page } = await ownerSignedIn('mfa');
    // MFA needs a confirmed recovery address (for resets): set through the API, confirmed through the UI's page.
    const recoveryEmail = `recovery-${owner.username}@example.test`;
    const changed = await stack.api('PATCH', `/api/users/${owner.id}/data`, { recovery_email: recoveryEmail, current_password: owner.password }, owner.token);
    expect(changed.status).toBe(200);
    await page.goto(linkIn((await stack.smtp.nextTo(recoveryEmail, 20_000)).text).toString());
    await page.getByText('The new address is confirmed and in use.').waitFor();
    await page.goto('/profile');
    await page.getByRole('button', { name: 'Set up two-factor authentication' }).click();
    await page.getByAltText('QR code of the two-factor secret').waitFor();
    const secret = (await page.getByTestId('mfa-secret').textContent())?.trim() ?? '';
    expect(secret).toMatch(/^[A-Z2-7]+$/);
    expect(((await page.getByTestId('recovery-codes').textContent()) ?? '').trim().split('\n').length).toBeGreaterThan(0);
    await page.getByLabel('3. Code from the app').fill(totpCode(secret));
    await page.getByRole('button', { name: 'Turn on' }).click();
    // Turning MFA on ends every session: the UI says so and asks to sign in again.
    await page.waitForURL(/\/login/);

    await stack.signIn(page, owner.username, owner.password);
    await page.getByText('Enter the code from your authenticator app.').waitFor();
    await page.getByLabel('Authentication code').fill(totpCode(secret, 1));
    const outcome = await Promise.race([
      page.getByRole('heading', { name: 'Dashboard' }).waitFor().then(() => 'signed in'),
      page.getByRole('alert').first().waitFor().then(async () => `refused: ${await page.getByRole('alert').first().textContent()}`),
    ]);
    expect(outcome).toBe('signed in');
    await context.close();
  });

  it('7. invites a member by e-mail, who accepts through the link', async () => {
    const { namespace, context, page } = await ownerSignedIn('inviter');
    const invitee = await stack.newAccount('invitee');
    await page.goto('/settings');
    await page.getByLabel('Invite by e-mail').fill(invitee.email);
    await page.getByRole('button', { name: 'Invite', exact: true }).click();
    await page.getByText(`Invitation sent to ${invitee.email}`).waitFor();

    const link = linkIn((await stack.smtp.nextTo(invitee.email, 20_000)).text);
    expect(link.pathname).toBe('/accept-invite');
    const guest = await stack.newPage();
    await guest.page.goto(link.toString());
    await guest.page.getByRole('link', { name: 'Sign in to accept' }).click();
    await stack.signIn(guest.page, invitee.username, invitee.password, true);
    await guest.page.getByRole('button', { name: 'Accept the invitation' }).click();
    await guest.page.getByRole('heading', { name: 'Dashboard' }).waitFor();

    const members = await stack.api<{ members: Array<{ id: string; status: string; role: string }> }>(
      'GET',
      `/api/namespaces/${namespace.tenant}`,
      undefined,
      namespace.token,
    );
    expect(members.body.members.find((member) => member.id === invitee.id)).toMatchObject({ status: 'accepted', role: 'observer' });
    await guest.context.close();
    await context.close();
  });

  it('8. an observer sees no write buttons, and the API refuses the writes anyway', async () => {
    const owner = await stack.newAccount('owner');
    const namespace = await stack.newNamespace(owner);
    const observer: Account = await stack.newAccount('observer');
    await stack.api('POST', `/api/namespaces/${namespace.tenant}/members`, { email: observer.email, role: 'observer' }, namespace.token);
    const sig = linkIn((await stack.smtp.nextTo(observer.email, 20_000)).text).searchParams.get('sig');
    const accepted = await stack.api('PATCH', `/api/namespaces/${namespace.tenant}/members/accept-invite`, { sig }, observer.token);
    expect(accepted.status).toBe(200);
    const observerToken = (await stack.api<{ token: string }>('GET', `/api/auth/token/${namespace.tenant}`, undefined, observer.token)).body.token;

    const { context, page } = await stack.newPage();
    await stack.signIn(page, observer.username, observer.password);
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    for (const [path, heading] of [
      ['/public-keys', 'Public keys'],
      ['/firewall', 'Firewall rules'],
      ['/tags', 'Tags'],
      ['/settings', 'Namespace settings'],
      ['/gateway-policies', 'Gateway policies'],
      ['/devices?status=pending', 'Devices'],
    ] as const) {
      await page.goto(path);
      await page.getByRole('heading', { name: heading, exact: true }).waitFor();
      await page.waitForLoadState('networkidle');
      for (const write of ['Save the key', 'Add the rule', 'Add a policy', 'Save the authentication policy', 'Invite', 'Create', 'Delete', 'Rename', 'Accept selected', 'Remove']) {
        expect(`${path}: ${write} ${await page.getByRole('button', { name: write, exact: true }).count()}`).toBe(`${path}: ${write} 0`);
      }
    }
    const refused = [
      await stack.api('POST', '/api/sshkeys/public-keys', { name: 'k', data: 'x', username: '', filter: { hostname: '.*' } }, observerToken),
      await stack.api('POST', '/api/firewall/rules', { action: 'allow', active: true, priority: 1, source_ip: '.*', username: '.*', filter: { hostname: '.*' } }, observerToken),
      await stack.api('POST', `/api/namespaces/${namespace.tenant}/members`, { email: 'x@example.test', role: 'observer' }, observerToken),
    ];
    expect(refused.map((answer) => answer.status)).toEqual([403, 403, 403]);
    await context.close();
  });

  it('has no serious or critical accessibility violation on the main pages, light and dark', async () => {
    const pagesByScheme = {
      light: ['/', '/devices', '/public-keys', '/firewall', '/tags', '/settings', '/gateway-policies', '/namespaces', '/profile'],
      dark: ['/', '/devices', '/settings'],
    };
    const { owner } = await ownerSignedIn('axe');
    const problems: string[] = [];
    for (const colorScheme of ['light', 'dark'] as const) {
      const { context, page } = await stack.newPage({ colorScheme });
      await page.goto('/login');
      await page.getByRole('button', { name: 'Sign in' }).waitFor();
      problems.push(...(await seriousViolations(page)).map((line) => `${colorScheme} /login ${line}`));
      await stack.signIn(page, owner.username, owner.password);
      await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
      for (const path of pagesByScheme[colorScheme]) {
        await page.goto(path);
        await page.waitForLoadState('networkidle');
        problems.push(...(await seriousViolations(page)).map((line) => `${colorScheme} ${path} ${line}`));
      }
      await context.close();
    }
    expect(problems).toEqual([]);
  }, 400_000);

  it('has no layout wider than a 360 px screen', async () => {
    const { owner } = await ownerSignedIn('narrow');
    const { context, page } = await stack.newPage({ width: 360 });
    await stack.signIn(page, owner.username, owner.password);
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    const overflowing: string[] = [];
    for (const path of ['/', '/devices', '/public-keys', '/firewall', '/settings', '/gateway-policies', '/profile']) {
      await page.goto(path);
      await page.waitForLoadState('networkidle');
      const width = Number(await page.evaluate('document.documentElement.scrollWidth'));
      if (width > 360) overflowing.push(`${path}: ${width}px`);
    }
    expect(overflowing).toEqual([]);
    await context.close();
  });
});
