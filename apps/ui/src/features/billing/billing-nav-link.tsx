import { NavLink } from '@mantine/core';
import { Link, useLocation } from 'react-router-dom';
import { useInstanceInfo } from '../devices/device-queries';

/** The navigation's Billing entry, where billing is on (every member sees the plan; only the owner acts). */
export function BillingNavLink({ onNavigate }: { onNavigate: () => void }) {
  const info = useInstanceInfo();
  const location = useLocation();
  if (!info.data?.billing?.enabled) return null;
  return <NavLink component={Link} to="/billing" label="Billing" onClick={onNavigate} active={location.pathname.startsWith('/billing')} />;
}
