import {
  ActionIcon,
  AppShell,
  Avatar,
  Burger,
  Group,
  Menu,
  NavLink,
  Text,
  Tooltip,
  UnstyledButton,
  useComputedColorScheme,
  useMantineColorScheme,
} from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useQueryClient } from '@tanstack/react-query';
import { Link, Outlet, useLocation, useNavigate } from 'react-router-dom';
import { signOut } from '../features/auth/auth-actions';
import { useSession } from '../features/auth/session-store';
import { NamespaceSwitcher } from '../features/namespaces/namespace-switcher';
import { AdminNavLinks } from '../features/admin/admin-nav-links';
import { BillingNavLink } from '../features/billing/billing-nav-link';
import { gatewayPoliciesNavigation } from '../features/gateway-policies/routes';

const navigation = [
  { to: '/', label: 'Dashboard' },
  { to: '/devices', label: 'Devices' },
  { to: '/sessions', label: 'Sessions' },
  { to: '/public-keys', label: 'Public keys' },
  { to: '/firewall', label: 'Firewall rules' },
  { to: '/tags', label: 'Tags' },
  ...gatewayPoliciesNavigation,
  { to: '/settings', label: 'Namespace settings' },
  { to: '/namespaces', label: 'Namespaces' },
];

function ColorSchemeToggle() {
  const { setColorScheme } = useMantineColorScheme();
  const computed = useComputedColorScheme('light');
  const next = computed === 'dark' ? 'light' : 'dark';
  return (
    <Tooltip label={`Switch to ${next} mode`}>
      <ActionIcon variant="default" size="lg" onClick={() => setColorScheme(next)} aria-label={`Switch to ${next} mode`}>
        {computed === 'dark' ? '☀' : '☾'}
      </ActionIcon>
    </Tooltip>
  );
}

export function AppLayout() {
  const [opened, { toggle, close }] = useDisclosure();
  const session = useSession();
  const location = useLocation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();

  const leave = () => {
    signOut();
    queryClient.clear();
    navigate('/login');
  };

  return (
    <AppShell
      header={{ height: 56 }}
      navbar={{ width: 230, breakpoint: 'sm', collapsed: { mobile: !opened } }}
      padding="md"
    >
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label="Toggle navigation" />
            <Text fw={700} size="lg" component={Link} to="/" visibleFrom="xs" style={{ textDecoration: 'none', color: 'inherit' }}>
              Fleetgate
            </Text>
          </Group>
          <Group gap="xs" wrap="nowrap">
            <NamespaceSwitcher />
            <ColorSchemeToggle />
            <Menu position="bottom-end">
              <Menu.Target>
                <UnstyledButton aria-label={`Account menu of ${session?.user ?? ''}`}>
                  <Avatar size={34} radius="xl" color="indigo">
                    {(session?.name || session?.user || '?').slice(0, 1).toUpperCase()}
                  </Avatar>
                </UnstyledButton>
              </Menu.Target>
              <Menu.Dropdown>
                <Menu.Item component={Link} to="/profile">
                  Profile
                </Menu.Item>
                <Menu.Item onClick={leave}>Sign out</Menu.Item>
              </Menu.Dropdown>
            </Menu>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" aria-label="Main navigation">
        {navigation.map((item) => (
          <NavLink
            key={item.to}
            component={Link}
            to={item.to}
            label={item.label}
            onClick={close}
            active={item.to === '/' ? location.pathname === '/' : location.pathname.startsWith(item.to)}
          />
        ))}
        <BillingNavLink onNavigate={close} />
        <AdminNavLinks onNavigate={close} />
      </AppShell.Navbar>
      <AppShell.Main>
        <Outlet />
      </AppShell.Main>
    </AppShell>
  );
}
