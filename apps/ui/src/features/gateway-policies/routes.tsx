import type { RouteObject } from 'react-router-dom';
import { GatewayPoliciesPage } from './gateway-policies-page';

/** Kept with the feature so that app/routes.tsx and the navigation change by one line each. */
export const gatewayPoliciesRoutes: RouteObject[] = [{ path: 'gateway-policies', element: <GatewayPoliciesPage /> }];

export const gatewayPoliciesNavigation = [{ to: '/gateway-policies', label: 'Gateway policies' }];
