import { NavLink, Text } from '@mantine/core';
import { Link, useLocation } from 'react-router-dom';
import { useInstanceAdmin } from '../features/admin/instance-admin';
import { adminNavigation } from '../features/admin/routes';

/** The instance administration links, shown only to people the API lets into `/admin/api`. */
export function AdminNavigation({ onNavigate }: { onNavigate: () => void }) {
  const admin = useInstanceAdmin();
  const location = useLocation();
  if (!admin) return null;
  return (
    <>
      <Text size="xs" c="dimmed" fw={600} tt="uppercase" mt="md" mb={4} px="sm">
        Instance administration
      </Text>
      {adminNavigation.map((item) => (
        <NavLink
          key={item.to}
          component={Link}
          to={item.to}
          label={item.label}
          onClick={onNavigate}
          active={location.pathname.startsWith(item.to)}
        />
      ))}
    </>
  );
}
