/** The instance administration pages, in the navigation's order; shown only to instance administrators. */
export const adminNavigation = [
  { to: '/admin/connections', label: 'Live connections' },
  { to: '/admin/host-keys', label: 'Gateway host keys' },
  { to: '/admin/audit-log', label: 'Gateway audit log' },
  { to: '/admin/gateway-settings', label: 'Gateway settings' },
];
