import { NavLink, Text } from '@mantine/core';
import { Link, useLocation } from 'react-router-dom';
import { adminNavigation } from './admin-navigation';
import { useInstanceAdmin } from './admin-queries';

/** The navigation's administration section, for instance administrators only. */
export function AdminNavLinks({ onNavigate }: { onNavigate: () => void }) {
  const { isAdmin } = useInstanceAdmin();
  const location = useLocation();
  if (!isAdmin) return null;
  return (
    <>
      <Text size="xs" fw={700} c="dimmed" tt="uppercase" px="sm" mt="md" mb={4}>
        Administration
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
