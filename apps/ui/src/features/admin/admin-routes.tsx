import type { RouteObject } from 'react-router-dom';
import { GatewaySettingsPage } from '../gateway-settings/gateway-settings-page';
import { AuditLogPage } from './audit-log-page';
import { ConnectionsPage } from './connections-page';
import { HostKeysPage } from './host-keys-page';
import { RequireInstanceAdmin } from './require-instance-admin';

/** The instance administration pages (`/admin/...`), behind the instance-admin check. */
export const adminRoutes: RouteObject = {
  path: 'admin',
  element: <RequireInstanceAdmin />,
  children: [
    { path: 'connections', element: <ConnectionsPage /> },
    { path: 'host-keys', element: <HostKeysPage /> },
    { path: 'audit-log', element: <AuditLogPage /> },
    { path: 'gateway-settings', element: <GatewaySettingsPage /> },
  ],
};
