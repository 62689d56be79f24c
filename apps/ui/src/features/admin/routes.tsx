import type { RouteObject } from 'react-router-dom';
import { GatewaySettingsPage } from '../gateway-settings/gateway-settings-page';

/**
 * The instance administration pages (`/admin/...`, backed by `/admin/api`). Kept here so that other admin pages
 * add their route and link to these two lists, not to app/routes.tsx and app/app-layout.tsx.
 */
export const adminRoutes: RouteObject[] = [{ path: 'admin/gateway-settings', element: <GatewaySettingsPage /> }];

export const adminNavigation = [{ to: '/admin/gateway-settings', label: 'Gateway settings' }];
