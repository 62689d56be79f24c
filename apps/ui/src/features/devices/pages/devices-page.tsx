import {
  Anchor,
  Badge,
  Button,
  Checkbox,
  Drawer,
  Group,
  Pagination,
  SegmentedControl,
  Select,
  Stack,
  Table,
  TagsInput,
  Text,
  TextInput,
  Title,
  UnstyledButton,
} from '@mantine/core';
import { useDebouncedCallback, useDisclosure } from '@mantine/hooks';
import dayjs from 'dayjs';
import relativeTime from 'dayjs/plugin/relativeTime';
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { QueryState } from '../../../ui/query-state';
import { notifyError, notifySuccess } from '../../../ui/form-errors';
import { useCan } from '../../auth/auth-actions';
import { AddDevicePanel } from '../components/add-device-panel';
import { HostKeyChangedBadge } from '../components/host-key-changed';
import { hasBeenSeen } from '../last-seen';
import { OnlineBadge } from '../components/online-badge';
import { type DeviceListView, viewFromSearchParams, viewToSearchParams } from '../device-filter';
import { decideDevice, type DeviceDecision, useDeviceList, useDevicesChanged, useTagNames } from '../device-queries';

dayjs.extend(relativeTime);

function SortHeader({ label, field, view, onSort }: { label: string; field: DeviceListView['sortBy']; view: DeviceListView; onSort: (field: DeviceListView['sortBy']) => void }) {
  const active = view.sortBy === field;
  return (
    <Table.Th aria-sort={active ? (view.order === 'asc' ? 'ascending' : 'descending') : 'none'}>
      <UnstyledButton onClick={() => onSort(field)} fw={600} fz="sm">
        {label} {active ? (view.order === 'asc' ? '▲' : '▼') : ''}
      </UnstyledButton>
    </Table.Th>
  );
}

export function DevicesPage() {
  const [params, setParams] = useSearchParams();
  const view = viewFromSearchParams(params);
  const devices = useDeviceList(view);
  const tagNames = useTagNames();
  const changed = useDevicesChanged();
  const canAccept = useCan('device:accept');
  const [addOpened, addPanel] = useDisclosure(false);
  const [selected, setSelected] = useState<string[]>([]);
  const [deciding, setDeciding] = useState(false);
  const [search, setSearch] = useState(view.search);

  const update = (changes: Partial<DeviceListView>) => {
    // Any change but paging starts again from the first page; the selection belongs to the rows seen.
    const next = { ...view, page: 1, ...changes };
    setSelected([]);
    setParams(viewToSearchParams(next), { replace: 'search' in changes });
  };
  const updateSearch = useDebouncedCallback((value: string) => update({ search: value }), 300);
  const sort = (field: DeviceListView['sortBy']) =>
    update({ sortBy: field, order: view.sortBy === field && view.order === 'desc' ? 'asc' : 'desc' });

  const rows = devices.data?.items ?? [];
  const total = devices.data?.total ?? 0;
  const pending = view.status === 'pending';
  const allSelected = rows.length > 0 && selected.length === rows.length;

  const decide = async (decision: DeviceDecision) => {
    setDeciding(true);
    const outcomes = await Promise.allSettled(selected.map((uid) => decideDevice(uid, decision)));
    setDeciding(false);
    const failed = outcomes.filter((outcome) => outcome.status === 'rejected');
    const done = outcomes.length - failed.length;
    if (done > 0) notifySuccess(`${done} device${done === 1 ? '' : 's'} ${decision === 'accept' ? 'accepted' : 'rejected'}`);
    if (failed.length > 0) notifyError((failed[0] as PromiseRejectedResult).reason);
    setSelected([]);
    await changed();
  };

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>Devices</Title>
        <Button onClick={addPanel.open}>Add a device</Button>
      </Group>
      <SegmentedControl
        aria-label="Device status"
        value={view.status}
        onChange={(value) => update({ status: value as DeviceListView['status'] })}
        data={[
          { value: 'accepted', label: 'Accepted' },
          { value: 'pending', label: 'Pending' },
          { value: 'rejected', label: 'Rejected' },
        ]}
        w="fit-content"
      />
      <Group align="flex-end" gap="sm">
        <TextInput
          label="Search by name"
          placeholder="name contains…"
          value={search}
          onChange={(event) => {
            setSearch(event.currentTarget.value);
            updateSearch(event.currentTarget.value);
          }}
          style={{ flex: '1 1 180px' }}
        />
        <TagsInput
          label="Tags"
          placeholder="all of these tags"
          data={tagNames.data ?? []}
          value={view.tags}
          onChange={(tags) => update({ tags })}
          style={{ flex: '1 1 180px' }}
        />
        <SegmentedControl
          aria-label="Online state"
          value={view.online}
          onChange={(value) => update({ online: value as DeviceListView['online'] })}
          data={[
            { value: 'any', label: 'All' },
            { value: 'online', label: 'Online' },
            { value: 'offline', label: 'Offline' },
          ]}
        />
      </Group>
      {pending && canAccept && selected.length > 0 && (
        <Group gap="xs" role="toolbar" aria-label="Pending devices">
          <Text size="sm">{selected.length} selected</Text>
          <Button size="xs" onClick={() => void decide('accept')} loading={deciding}>
            Accept selected
          </Button>
          <Button size="xs" color="red" variant="light" onClick={() => void decide('reject')} loading={deciding}>
            Reject selected
          </Button>
        </Group>
      )}
      <QueryState
        isLoading={devices.isPending}
        error={devices.error}
        onRetry={() => void devices.refetch()}
        isEmpty={rows.length === 0}
        empty={
          <Text c="dimmed">
            {pending ? 'No device is waiting for acceptance.' : 'No device matches.'}{' '}
            {!pending && view.status === 'accepted' && (
              <Anchor component="button" onClick={addPanel.open}>
                Add a device
              </Anchor>
            )}
          </Text>
        }
      >
        <Table.ScrollContainer minWidth={560}>
          <Table highlightOnHover verticalSpacing="xs">
            <Table.Thead>
              <Table.Tr>
                {pending && canAccept && (
                  <Table.Th w={40}>
                    <Checkbox
                      aria-label="Select all"
                      checked={allSelected}
                      indeterminate={selected.length > 0 && !allSelected}
                      onChange={() => setSelected(allSelected ? [] : rows.map((device) => device.uid))}
                    />
                  </Table.Th>
                )}
                <SortHeader label="Name" field="name" view={view} onSort={sort} />
                <Table.Th>State</Table.Th>
                <Table.Th>Operating system</Table.Th>
                <Table.Th>Tags</Table.Th>
                <SortHeader label="Last seen" field="last_seen" view={view} onSort={sort} />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((device) => (
                <Table.Tr key={device.uid}>
                  {pending && canAccept && (
                    <Table.Td>
                      <Checkbox
                        aria-label={`Select ${device.name}`}
                        checked={selected.includes(device.uid)}
                        onChange={(event) =>
                          setSelected(
                            event.currentTarget.checked
                              ? [...selected, device.uid]
                              : selected.filter((uid) => uid !== device.uid),
                          )
                        }
                      />
                    </Table.Td>
                  )}
                  <Table.Td>
                    <Anchor component={Link} to={`/devices/${device.uid}`}>
                      {device.name}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>
                    <Group gap={4} wrap="nowrap">
                      <OnlineBadge online={device.online} />
                      <HostKeyChangedBadge device={device} />
                    </Group>
                  </Table.Td>
                  <Table.Td>{device.info?.pretty_name || '—'}</Table.Td>
                  <Table.Td>
                    <Group gap={4}>
                      {device.tags.map((tag) => (
                        <Badge key={tag} variant="outline" size="sm" style={{ cursor: 'pointer' }} onClick={() => update({ tags: [tag] })}>
                          {tag}
                        </Badge>
                      ))}
                    </Group>
                  </Table.Td>
                  <Table.Td>
                    {hasBeenSeen(device.last_seen) ? (
                      <time dateTime={String(device.last_seen)} title={dayjs(device.last_seen).format('YYYY-MM-DD HH:mm:ss')}>
                        {dayjs(device.last_seen).fromNow()}
                      </time>
                    ) : (
                      'never'
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </QueryState>
      <Group justify="space-between">
        <Text size="sm" c="dimmed">
          {total} device{total === 1 ? '' : 's'}
        </Text>
        <Group gap="xs">
          <Select
            aria-label="Devices per page"
            w={90}
            data={['10', '20', '50', '100']}
            value={String(view.perPage)}
            onChange={(value) => value && update({ perPage: Number(value) })}
            allowDeselect={false}
          />
          <Pagination
            getControlProps={(control) => ({ 'aria-label': `${control} page` })}
            total={Math.max(1, Math.ceil(total / view.perPage))} value={view.page} onChange={(page) => update({ page })} />
        </Group>
      </Group>
      <Drawer opened={addOpened} onClose={addPanel.close} title="Add a device" position="right" size="lg">
        <AddDevicePanel />
      </Drawer>
    </Stack>
  );
}
