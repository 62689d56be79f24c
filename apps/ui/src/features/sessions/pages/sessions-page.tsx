import { Anchor, Group, Pagination, SegmentedControl, Select, Stack, Table, Text, TextInput, Title, UnstyledButton } from '@mantine/core';
import { useDebouncedCallback } from '@mantine/hooks';
import dayjs from 'dayjs';
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { QueryState } from '../../../ui/query-state';
import { defaultDeviceListView } from '../../devices/device-filter';
import { useDeviceList } from '../../devices/device-queries';
import { SessionBadges } from '../components/session-badges';
import { type SessionListView, sessionViewFromSearchParams, sessionViewToSearchParams } from '../session-filter';
import { formatDuration, locationLabel, sessionDuration } from '../session-format';
import { useSessionList } from '../session-queries';

const deviceChoices = { ...defaultDeviceListView, sortBy: 'name' as const, order: 'asc' as const, perPage: 100 };

function SortHeader({ label, field, view, onSort }: { label: string; field: SessionListView['sortBy']; view: SessionListView; onSort: (field: SessionListView['sortBy']) => void }) {
  const active = view.sortBy === field;
  return (
    <Table.Th aria-sort={active ? (view.order === 'asc' ? 'ascending' : 'descending') : 'none'}>
      <UnstyledButton onClick={() => onSort(field)} fw={600} fz="sm">
        {label} {active ? (view.order === 'asc' ? '▲' : '▼') : ''}
      </UnstyledButton>
    </Table.Th>
  );
}

export function SessionsPage() {
  const [params, setParams] = useSearchParams();
  const view = sessionViewFromSearchParams(params);
  const sessions = useSessionList(view);
  const devices = useDeviceList(deviceChoices);
  const [user, setUser] = useState(view.user);
  const [address, setAddress] = useState(view.address);

  const update = (changes: Partial<SessionListView>) => {
    const next = { ...view, page: 1, ...changes };
    setParams(sessionViewToSearchParams(next), { replace: 'user' in changes || 'address' in changes });
  };
  const updateUser = useDebouncedCallback((value: string) => update({ user: value }), 300);
  const updateAddress = useDebouncedCallback((value: string) => update({ address: value }), 300);
  const sort = (field: SessionListView['sortBy']) =>
    update({ sortBy: field, order: view.sortBy === field && view.order === 'desc' ? 'asc' : 'desc' });

  const rows = sessions.data?.items ?? [];
  const total = sessions.data?.total ?? 0;
  const now = Date.now();

  return (
    <Stack>
      <Title order={2}>Sessions</Title>
      <Group align="flex-end" gap="sm">
        <SegmentedControl
          aria-label="Session state"
          value={view.state}
          onChange={(value) => update({ state: value as SessionListView['state'] })}
          data={[
            { value: 'any', label: 'All' },
            { value: 'active', label: 'Active' },
            { value: 'closed', label: 'Closed' },
          ]}
        />
        <SegmentedControl
          aria-label="Login outcome"
          value={view.authenticated}
          onChange={(value) => update({ authenticated: value as SessionListView['authenticated'] })}
          data={[
            { value: 'any', label: 'Any' },
            { value: 'authenticated', label: 'Authenticated' },
            { value: 'failed', label: 'Failed' },
          ]}
        />
      </Group>
      <Group align="flex-end" gap="sm">
        <Select
          label="Device"
          placeholder="any device"
          clearable
          searchable
          data={(devices.data?.items ?? []).map((device) => ({ value: device.uid, label: device.name }))}
          value={view.device || null}
          onChange={(value) => update({ device: value ?? '' })}
          style={{ flex: '1 1 180px' }}
        />
        <TextInput
          label="User"
          placeholder="user contains…"
          value={user}
          onChange={(event) => {
            setUser(event.currentTarget.value);
            updateUser(event.currentTarget.value);
          }}
          style={{ flex: '1 1 140px' }}
        />
        <TextInput
          label="Address"
          placeholder="IP address contains…"
          value={address}
          onChange={(event) => {
            setAddress(event.currentTarget.value);
            updateAddress(event.currentTarget.value);
          }}
          style={{ flex: '1 1 140px' }}
        />
      </Group>
      <QueryState
        isLoading={sessions.isPending}
        error={sessions.error}
        onRetry={() => void sessions.refetch()}
        isEmpty={rows.length === 0}
        empty={<Text c="dimmed">No session matches. Sessions appear here when someone connects to a device over SSH or the web terminal.</Text>}
      >
        <Table.ScrollContainer minWidth={760}>
          <Table highlightOnHover verticalSpacing="xs">
            <Table.Thead>
              <Table.Tr>
                <SortHeader label="Started" field="started_at" view={view} onSort={sort} />
                <Table.Th>State</Table.Th>
                <SortHeader label="Device" field="device_uid" view={view} onSort={sort} />
                <SortHeader label="User" field="username" view={view} onSort={sort} />
                <SortHeader label="IP address" field="ip_address" view={view} onSort={sort} />
                <Table.Th>Location</Table.Th>
                <Table.Th>Duration</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((session) => (
                <Table.Tr key={session.uid}>
                  <Table.Td>
                    <Anchor component={Link} to={`/sessions/${session.uid}`} aria-label={`Session of ${session.username} started ${dayjs(session.started_at).format('YYYY-MM-DD HH:mm:ss')}`}>
                      <time dateTime={String(session.started_at)}>{dayjs(session.started_at).format('YYYY-MM-DD HH:mm:ss')}</time>
                    </Anchor>
                  </Table.Td>
                  <Table.Td>
                    <SessionBadges session={session} />
                  </Table.Td>
                  <Table.Td>
                    {session.device ? (
                      <Anchor component={Link} to={`/devices/${session.device_uid}`}>
                        {session.device.name}
                      </Anchor>
                    ) : (
                      <Text size="sm" c="dimmed" title={session.device_uid}>
                        removed device
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>{session.username}</Table.Td>
                  <Table.Td ff="monospace">{session.ip_address}</Table.Td>
                  <Table.Td>{locationLabel(session.position)}</Table.Td>
                  <Table.Td>{formatDuration(sessionDuration(session, now))}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </QueryState>
      <Group justify="space-between">
        <Text size="sm" c="dimmed">
          {total} session{total === 1 ? '' : 's'}
        </Text>
        <Group gap="xs">
          <Select
            aria-label="Sessions per page"
            w={90}
            data={['10', '20', '50', '100']}
            value={String(view.perPage)}
            onChange={(value) => value && update({ perPage: Number(value) })}
            allowDeselect={false}
          />
          <Pagination
            getControlProps={(control) => ({ 'aria-label': `${control} page` })}
            total={Math.max(1, Math.ceil(total / view.perPage))}
            value={view.page}
            onChange={(page) => update({ page })}
          />
        </Group>
      </Group>
    </Stack>
  );
}
