import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { root } from './apps';
import { eventually } from './support/platform';
import { type BrowserStack, startBrowserStack } from './support/browser-stack';

// Not a test of the suite: `npx nx run ui:screenshots` runs it to refresh the README's pictures of the main pages.
const directory = join(root, 'docs/screenshots');

describe('screenshots of the main pages', () => {
  let stack: BrowserStack;
  beforeAll(async () => {
    stack = await startBrowserStack(__filename);
  }, 180_000);
  afterAll(() => stack?.stop());

  it('saves them in light and dark mode to docs/screenshots', async () => {
    mkdirSync(directory, { recursive: true });
    const owner = await stack.newAccount('demo');
    const namespace = await stack.newNamespace(owner, 'demo');
    await stack.startAgent(namespace.tenant, 'demo-device');
    await stack.startAgent(namespace.tenant, 'gateway-lab');
    const pending = () => stack.api<Array<{ uid: string }>>('GET', '/api/devices?status=pending', undefined, namespace.token);
    await eventually(async () => (await pending()).body.length === 2, 20_000, 'two pending devices');
    const [device] = (await pending()).body;
    await stack.api('PATCH', `/api/devices/${device.uid}/accept`, undefined, namespace.token);
    await stack.api('PUT', `/api/devices/${device.uid}/tags`, { tags: ['lab', 'eu'] }, namespace.token);
    await stack.api('POST', '/api/firewall/rules', { action: 'allow', active: true, priority: 1, source_ip: '.*', username: 'deploy', filter: { tags: ['lab'] } }, namespace.token);
    await stack.api('POST', '/api/firewall/rules', { action: 'deny', active: true, priority: 2, source_ip: '.*', username: '.*', filter: { hostname: '.*' } }, namespace.token);

    for (const colorScheme of ['light', 'dark'] as const) {
      const { context, page } = await stack.newPage({ colorScheme });
      await page.goto('/login');
      await page.getByRole('button', { name: 'Sign in' }).waitFor();
      await page.screenshot({ path: join(directory, `sign-in-${colorScheme}.png`) });
      await stack.signIn(page, owner.username, owner.password);
      await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
      for (const [name, path] of [
        ['dashboard', '/'],
        ['devices', '/devices'],
        ['pending', '/devices?status=pending'],
        ['device', `/devices/${device.uid}`],
        ['firewall', '/firewall'],
        ['settings', '/settings'],
      ] as const) {
        await page.goto(path);
        await page.waitForLoadState('networkidle');
        // Wait out every loading state, so the pictures show data rather than spinners.
        await page.waitForFunction('document.querySelectorAll(".mantine-Loader-root").length === 0', undefined, { timeout: 20_000 });
        await page.getByRole('textbox', { name: 'Namespace' }).waitFor();
        await page.screenshot({ path: join(directory, `${name}-${colorScheme}.png`), fullPage: true });
      }
      await context.close();
    }
  });
});
