import { MantineProvider } from '@mantine/core';
import { ModalsProvider } from '@mantine/modals';
import { Notifications } from '@mantine/notifications';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render } from '@testing-library/react';
import type { ReactElement } from 'react';
import { createMemoryRouter, RouterProvider, type RouteObject } from 'react-router-dom';
import { sessionStore, type MemberRole } from '../features/auth/session-store';
import { polyfillBrowserApis } from './render-with-providers';

/** Signs a test person in, as `role` of a namespace, without the API. */
export function signedInAs(role: MemberRole, overrides: Partial<Parameters<typeof sessionStore.set>[0]> = {}): void {
  sessionStore.set({
    token: 'token',
    user: 'ada',
    name: 'Ada',
    id: 'user-1',
    email: 'ada@example.test',
    recovery_email: '',
    tenant: '00000000-0000-4000-8000-000000000001',
    role,
    mfa: false,
    max_namespaces: -1,
    ...overrides,
  });
}

/**
 * Renders a page as the app does, confirmation modals and notifications included (renderWithProviders has neither),
 * at `path`; `routes` replaces the single catch-all route when a test needs the app's nesting.
 */
export function renderPage(element: ReactElement, path = '/', routes?: RouteObject[]) {
  polyfillBrowserApis();
  const router = createMemoryRouter(routes ?? [{ path: '*', element }], { initialEntries: [path] });
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return render(
    <MantineProvider>
      <ModalsProvider>
        <Notifications />
        <QueryClientProvider client={queryClient}>
          <RouterProvider router={router} />
        </QueryClientProvider>
      </ModalsProvider>
    </MantineProvider>,
  );
}
