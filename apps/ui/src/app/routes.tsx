import { createBrowserRouter, Navigate, Outlet, useLocation } from 'react-router-dom';
import { useSession } from '../features/auth/session-store';
import { SignInPage } from '../features/auth/pages/sign-in-page';
import { SignUpPage } from '../features/auth/pages/sign-up-page';
import { ValidationAccountPage } from '../features/auth/pages/validation-account-page';
import { RecoverPasswordPage } from '../features/auth/pages/recover-password-page';
import { UpdatePasswordPage } from '../features/auth/pages/update-password-page';
import { ConfirmAddressPage } from '../features/auth/pages/confirm-address-page';
import { AcceptInvitePage } from '../features/auth/pages/accept-invite-page';
import { SetupPage } from '../features/auth/pages/setup-page';
import { DashboardPage } from '../features/dashboard/dashboard-page';
import { DevicesPage } from '../features/devices/pages/devices-page';
import { DeviceDetailsPage } from '../features/devices/pages/device-details-page';
import { TerminalPage } from '../features/terminal';
import { SessionDetailsPage, SessionsPage } from '../features/sessions';
import { NamespacesPage } from '../features/namespaces/namespaces-page';
import { NamespaceSettingsPage } from '../features/settings/namespace-settings-page';
import { PublicKeysPage } from '../features/public-keys/public-keys-page';
import { FirewallRulesPage } from '../features/firewall/firewall-rules-page';
import { TagsPage } from '../features/tags/tags-page';
import { ProfilePage } from '../features/profile/profile-page';
import { BillingPage } from '../features/billing/billing-page';
import { adminRoutes } from '../features/admin/admin-routes';
import { gatewayPoliciesRoutes } from '../features/gateway-policies/routes';
import { AppLayout } from './app-layout';
import { NotFoundPage } from './not-found-page';
import { StatusPage } from './status-page';

/** Pages behind sign-in: without a session they send to /login and come back afterwards. */
function RequireSession() {
  const session = useSession();
  const location = useLocation();
  if (!session) {
    const next = `${location.pathname}${location.search}`;
    return <Navigate to={`/login?next=${encodeURIComponent(next)}`} replace />;
  }
  return <Outlet />;
}

export const router = createBrowserRouter([
  // The e-mails the API sends link to these paths (libs/server/users, libs/server/namespaces); keep them stable.
  { path: '/login', element: <SignInPage /> },
  { path: '/sign-up', element: <SignUpPage /> },
  { path: '/validation-account', element: <ValidationAccountPage /> },
  { path: '/recover-password', element: <RecoverPasswordPage /> },
  { path: '/update-password', element: <UpdatePasswordPage /> },
  { path: '/confirm-address', element: <ConfirmAddressPage /> },
  { path: '/accept-invite', element: <AcceptInvitePage /> },
  { path: '/setup', element: <SetupPage /> },
  { path: '/status', element: <StatusPage /> },
  {
    element: <RequireSession />,
    children: [
      {
        element: <AppLayout />,
        children: [
          { index: true, element: <DashboardPage /> },
          { path: 'devices', element: <DevicesPage /> },
          { path: 'devices/:uid', element: <DeviceDetailsPage /> },
          { path: 'devices/:uid/terminal', element: <TerminalPage /> },
          { path: 'sessions', element: <SessionsPage /> },
          { path: 'sessions/:uid', element: <SessionDetailsPage /> },
          { path: 'namespaces', element: <NamespacesPage /> },
          { path: 'settings', element: <NamespaceSettingsPage /> },
          { path: 'public-keys', element: <PublicKeysPage /> },
          { path: 'firewall', element: <FirewallRulesPage /> },
          { path: 'tags', element: <TagsPage /> },
          { path: 'profile', element: <ProfilePage /> },
          // Stripe's billing portal sends the owner back here (PUBLIC_UI_URL + /billing): keep it stable.
          { path: 'billing', element: <BillingPage /> },
          ...gatewayPoliciesRoutes,
          adminRoutes,
          { path: '*', element: <NotFoundPage /> },
        ],
      },
    ],
  },
]);
