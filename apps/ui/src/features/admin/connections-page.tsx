import { Badge, Button, Card, Group, Pagination, Stack, Table, Text, Title } from '@mantine/core';
import { modals } from '@mantine/modals';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import dayjs from 'dayjs';
import { useState } from 'react';
import { api, type Schemas, unwrap, unwrapPage } from '../../api/client';
import { notifyError, notifySuccess } from '../../ui/form-errors';
import { QueryState } from '../../ui/query-state';
import { formatBytes, formatUptime } from './format';

type Connection = Schemas['LiveConnectionDto'];

const PER_PAGE = 50;
/** Gateways report every few seconds (GATEWAY_STATUS_REFRESH_SECONDS); reading more often shows nothing new. */
const REFRESH_MS = 10_000;

function GatewayProcesses() {
  const status = useQuery({
    queryKey: ['admin', 'gateway-status'],
    refetchInterval: REFRESH_MS,
    queryFn: () => unwrap(api.GET('/admin/api/status', {})),
  });
  return (
    <Stack gap="xs">
      <Title order={3} size="h4">
        Gateway processes
      </Title>
      <QueryState
        isLoading={status.isPending}
        error={status.error}
        onRetry={() => void status.refetch()}
        isEmpty={status.data?.length === 0}
        empty={<Text c="dimmed">No gateway process has reported lately: none is running, or none reaches Redis.</Text>}
      >
        <Table.ScrollContainer minWidth={640}>
          <Table>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Process</Table.Th>
                <Table.Th>Listening</Table.Th>
                <Table.Th>Connections</Table.Th>
                <Table.Th>Up for</Table.Th>
                <Table.Th>Version</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {(status.data ?? []).map((process) => (
                <Table.Tr key={process.id} data-testid="gateway-process">
                  <Table.Td>
                    <Text size="sm">
                      {process.hostname} (pid {process.pid})
                    </Text>
                    <Text size="xs" c="dimmed" ff="monospace">
                      {process.address}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Badge color={process.listening ? 'teal.9' : 'red.9'} variant="outline">
                      {process.listening ? 'listening' : 'not listening'}
                    </Badge>
                  </Table.Td>
                  <Table.Td>{process.connection_count}</Table.Td>
                  <Table.Td>{formatUptime(process.uptime_seconds)}</Table.Td>
                  <Table.Td>{process.version}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </QueryState>
    </Stack>
  );
}

export function ConnectionsPage() {
  const [page, setPage] = useState(1);
  const queryClient = useQueryClient();
  const connections = useQuery({
    queryKey: ['admin', 'connections', page],
    refetchInterval: REFRESH_MS,
    placeholderData: (previous) => previous,
    queryFn: () => unwrapPage(api.GET('/admin/api/connections', { params: { query: { page, per_page: PER_PAGE } } })),
  });
  const disconnect = useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE('/admin/api/connections/{id}', { params: { path: { id } } })),
    onSuccess: () => notifySuccess('The gateway was told to end the connection'),
    onError: notifyError,
    onSettled: () => queryClient.invalidateQueries({ queryKey: ['admin'] }),
  });
  const confirmDisconnect = (connection: Connection) =>
    modals.openConfirmModal({
      title: 'End this connection?',
      children: (
        <Text size="sm">
          {connection.user || 'The client'} from {connection.address} is disconnected at once and told why; the event
          goes to the audit log.
        </Text>
      ),
      labels: { confirm: 'Disconnect', cancel: 'Leave it' },
      confirmProps: { color: 'red' },
      onConfirm: () => disconnect.mutate(connection.id),
    });
  const total = connections.data?.total ?? 0;
  const items = connections.data?.items ?? [];

  return (
    <Stack>
      <Title order={2}>Live connections</Title>
      <Card withBorder>
        <GatewayProcesses />
      </Card>
      <Stack gap="xs">
        <Title order={3} size="h4">
          Connections ({total})
        </Title>
        <QueryState
          isLoading={connections.isPending}
          error={connections.error}
          onRetry={() => void connections.refetch()}
          isEmpty={items.length === 0}
          empty={<Text c="dimmed">Nobody is connected to the gateway.</Text>}
        >
          <Table.ScrollContainer minWidth={760}>
            <Table>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Client</Table.Th>
                  <Table.Th>Login</Table.Th>
                  <Table.Th>Device</Table.Th>
                  <Table.Th>Since</Table.Th>
                  <Table.Th>In / out</Table.Th>
                  <Table.Th />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((connection) => (
                  <Table.Tr key={connection.id} data-testid="live-connection">
                    <Table.Td ff="monospace">{connection.address}</Table.Td>
                    <Table.Td ff="monospace">{connection.user || '—'}</Table.Td>
                    <Table.Td ff="monospace" style={{ wordBreak: 'break-all' }}>
                      {connection.device ? connection.device.slice(0, 12) : '—'}
                    </Table.Td>
                    <Table.Td>{dayjs(connection.started_at).format('YYYY-MM-DD HH:mm:ss')}</Table.Td>
                    <Table.Td>
                      {formatBytes(connection.bytes_in)} / {formatBytes(connection.bytes_out)}
                    </Table.Td>
                    <Table.Td>
                      <Button size="xs" color="red" variant="subtle" onClick={() => confirmDisconnect(connection)}>
                        Disconnect
                      </Button>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          {total > PER_PAGE && (
            <Group justify="center">
              <Pagination total={Math.ceil(total / PER_PAGE)} value={page} onChange={setPage} />
            </Group>
          )}
        </QueryState>
      </Stack>
    </Stack>
  );
}
