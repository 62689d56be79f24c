import { Anchor, Card, Grid, Group, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import dayjs from 'dayjs';
import { Link } from 'react-router-dom';
import { api, unwrap, unwrapPage } from '../../api/client';
import { QueryState } from '../../ui/query-state';
import { useSession } from '../auth/session-store';
import { NoNamespace } from '../namespaces/no-namespace';
import { type MapMarker, WorldMap } from './world-map';

function StatCard({ label, value, to }: { label: string; value: number | undefined; to: string }) {
  return (
    <Card withBorder component={Link} to={to} style={{ textDecoration: 'none' }}>
      <Text size="sm" c="dimmed">
        {label}
      </Text>
      <Text fz={28} fw={700}>
        {value ?? '–'}
      </Text>
    </Card>
  );
}

export function DashboardPage() {
  const session = useSession();
  const hasNamespace = Boolean(session?.tenant);
  const stats = useQuery({
    queryKey: ['stats', session?.tenant],
    enabled: hasNamespace,
    queryFn: () => unwrap(api.GET('/api/stats', {})),
  });
  const located = useQuery({
    queryKey: ['devices', 'map', session?.tenant],
    enabled: hasNamespace,
    queryFn: async (): Promise<MapMarker[]> => {
      const { items } = await unwrapPage(api.GET('/api/devices', { params: { query: { status: 'accepted', per_page: 100 } } }));
      return items.flatMap((device) =>
        device.position ? [{ uid: device.uid, name: device.name, online: device.online, ...device.position }] : [],
      );
    },
  });
  const announcements = useQuery({
    queryKey: ['announcements'],
    queryFn: () => unwrapPage(api.GET('/api/announcements', { params: { query: { per_page: 5 } } })),
  });

  if (!hasNamespace) {
    return (
      <Stack>
        <Title order={2}>Dashboard</Title>
        <NoNamespace />
      </Stack>
    );
  }
  return (
    <Stack>
      <Title order={2}>Dashboard</Title>
      <QueryState isLoading={stats.isPending} error={stats.error} onRetry={() => void stats.refetch()}>
        <SimpleGrid cols={{ base: 2, sm: 4 }}>
          <StatCard label="Devices" value={stats.data?.registered_devices} to="/devices" />
          <StatCard label="Online" value={stats.data?.online_devices} to="/devices?online=online" />
          <StatCard label="Offline" value={stats.data && stats.data.registered_devices - stats.data.online_devices} to="/devices?online=offline" />
          <StatCard label="Pending" value={stats.data?.pending_devices} to="/devices?status=pending" />
        </SimpleGrid>
        <Text size="sm" c="dimmed">
          {stats.data?.active_sessions ?? 0} active session{stats.data?.active_sessions === 1 ? '' : 's'}
        </Text>
      </QueryState>
      <Grid>
        <Grid.Col span={{ base: 12, lg: 8 }}>
        <Card withBorder>
          <Group justify="space-between" mb="xs">
            <Title order={3} size="h5">
              Where your devices are
            </Title>
            <Text size="xs" c="dimmed">
              {located.data?.length ?? 0} located
            </Text>
          </Group>
          <QueryState isLoading={located.isPending} error={located.error}>
            <WorldMap markers={located.data ?? []} />
          </QueryState>
        </Card>
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 4 }}>
        <Card withBorder>
          <Title order={3} size="h5" mb="xs">
            Announcements
          </Title>
          <QueryState
            isLoading={announcements.isPending}
            error={announcements.error}
            isEmpty={(announcements.data?.items.length ?? 0) === 0}
            empty={<Text c="dimmed" size="sm">No announcement.</Text>}
          >
            <Stack gap="xs">
              {announcements.data?.items.map((item) => (
                <Stack key={item.uuid} gap={0}>
                  <Text size="sm" fw={500}>
                    {item.title}
                  </Text>
                  <Text size="xs" c="dimmed">
                    {dayjs(item.date).format('YYYY-MM-DD')}
                  </Text>
                </Stack>
              ))}
            </Stack>
          </QueryState>
          <Anchor component={Link} to="/devices" size="sm" mt="sm">
            Go to devices →
          </Anchor>
        </Card>
        </Grid.Col>
      </Grid>
    </Stack>
  );
}
