import type { ReactNode } from 'react';
import { Anchor, Button, Card, Group, SimpleGrid, Stack, TagsInput, Text, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { modals } from '@mantine/modals';
import dayjs from 'dayjs';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { api, unwrap } from '../../../api/client';
import { CopyField } from '../../../ui/copy-field';
import { notifyError, notifySuccess, showApiErrors } from '../../../ui/form-errors';
import { QueryState } from '../../../ui/query-state';
import { useCan } from '../../auth/auth-actions';
import { HostKeyChangedAlert, HostKeyChangedBadge } from '../components/host-key-changed';
import { OnlineBadge } from '../components/online-badge';
import { hasBeenSeen } from '../last-seen';
import { decideDevice, type Device, useDevice, useDeviceMutation, useInstanceInfo, useTagNames } from '../device-queries';

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Stack gap={0}>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text size="sm" component="div">
        {children}
      </Text>
    </Stack>
  );
}

function RenameForm({ device }: { device: Device }) {
  const [editing, setEditing] = useState(false);
  const rename = useDeviceMutation((name: string) =>
    unwrap(api.PUT('/api/devices/{uid}', { params: { path: { uid: device.uid } }, body: { name } })),
  );
  const form = useForm({
    initialValues: { name: device.name },
    validate: {
      name: (value) =>
        /^[a-zA-Z0-9_-]{1,64}$/.test(value) ? null : '1 to 64 letters, digits, dashes or underscores (no dots or spaces)',
    },
  });
  if (!editing) {
    return (
      <Button variant="default" size="xs" onClick={() => setEditing(true)}>
        Rename
      </Button>
    );
  }
  return (
    <form
      onSubmit={form.onSubmit((values) =>
        rename.mutate(values.name, {
          onSuccess: () => (setEditing(false), notifySuccess('Device renamed')),
          onError: (error) => showApiErrors(form, error),
        }),
      )}
    >
      <Group align="flex-start" gap="xs">
        <TextInput aria-label="New name" size="xs" {...form.getInputProps('name')} autoFocus />
        <Button type="submit" size="xs" loading={rename.isPending}>
          Save
        </Button>
        <Button size="xs" variant="subtle" onClick={() => setEditing(false)}>
          Cancel
        </Button>
      </Group>
    </form>
  );
}

function DeviceTags({ device, editable }: { device: Device; editable: boolean }) {
  const tagNames = useTagNames();
  const save = useDeviceMutation((tags: string[]) =>
    unwrap(api.PUT('/api/devices/{uid}/tags', { params: { path: { uid: device.uid } }, body: { tags } })),
  );
  return (
    <TagsInput
      label="Tags"
      description={editable ? 'Type a tag and press Enter; firewall rules and public keys can select devices by tag.' : undefined}
      data={tagNames.data ?? []}
      value={device.tags}
      readOnly={!editable}
      disabled={save.isPending}
      onChange={(tags) => save.mutate(tags, { onError: notifyError, onSuccess: () => notifySuccess('Tags saved') })}
    />
  );
}

export function DeviceDetailsPage() {
  const { uid = '' } = useParams();
  const navigate = useNavigate();
  const device = useDevice(uid);
  const info = useInstanceInfo();
  const canUpdate = useCan('device:update');
  const canTag = useCan('device:tag');
  const canRemove = useCan('device:remove');
  const canAccept = useCan('device:accept');
  const decide = useDeviceMutation((decision: 'accept' | 'reject') => decideDevice(uid, decision));
  const remove = useDeviceMutation(() => unwrap(api.DELETE('/api/devices/{uid}', { params: { path: { uid } } })));

  const confirmRemoval = (name: string) =>
    modals.openConfirmModal({
      title: `Remove ${name}?`,
      children: (
        <Text size="sm">
          The device leaves the namespace: nobody can reach it any more, and its agent must register again and be
          accepted to come back.
        </Text>
      ),
      labels: { confirm: 'Remove the device', cancel: 'Keep it' },
      confirmProps: { color: 'red' },
      onConfirm: () =>
        remove.mutate(undefined, { onSuccess: () => navigate('/devices'), onError: notifyError }),
    });

  const sshEndpoint = info.data?.endpoints?.ssh ?? '';
  const [sshHost, sshPort] = sshEndpoint.split(':');

  return (
    <QueryState isLoading={device.isPending} error={device.error} onRetry={() => void device.refetch()}>
      {device.data && (
        <Stack>
          <Anchor component={Link} to="/devices" size="sm">
            ← Devices
          </Anchor>
          <Group justify="space-between" align="center">
            <Group gap="sm">
              <Title order={2}>{device.data.name}</Title>
              <OnlineBadge online={device.data.online} />
              <HostKeyChangedBadge device={device.data} />
            </Group>
            <Group gap="xs">
              {device.data.status === 'accepted' && (
                <Button component={Link} to={`/devices/${uid}/terminal`} disabled={!device.data.online}>
                  Open terminal
                </Button>
              )}
              {canUpdate && <RenameForm device={device.data} />}
              {canRemove && (
                <Button color="red" variant="light" size="xs" onClick={() => confirmRemoval(device.data.name)}>
                  Remove
                </Button>
              )}
            </Group>
          </Group>
          {device.data.status === 'pending' && canAccept && (
            <Group>
              <Text>This device waits for acceptance.</Text>
              <Button size="xs" onClick={() => decide.mutate('accept', { onError: notifyError })}>
                Accept
              </Button>
              <Button size="xs" color="red" variant="light" onClick={() => decide.mutate('reject', { onError: notifyError })}>
                Reject
              </Button>
            </Group>
          )}
          <HostKeyChangedAlert device={device.data} />
          <Card withBorder>
            <SimpleGrid cols={{ base: 1, xs: 2, md: 3 }}>
              <Fact label="Status">{device.data.status}</Fact>
              <Fact label="Last seen">
                {hasBeenSeen(device.data.last_seen) ? dayjs(device.data.last_seen).format('YYYY-MM-DD HH:mm:ss') : 'never'}
              </Fact>
              <Fact label="Operating system">{device.data.info?.pretty_name || '—'}</Fact>
              <Fact label="Architecture">{device.data.info?.arch || '—'}</Fact>
              <Fact label="Agent version">{device.data.info?.version || '—'}</Fact>
              <Fact label="MAC address">{device.data.identity?.mac || '—'}</Fact>
              <Fact label="Remote address">{device.data.remote_addr || '—'}</Fact>
              <Fact label="Position">
                {device.data.position
                  ? `${device.data.position.latitude.toFixed(3)}, ${device.data.position.longitude.toFixed(3)}`
                  : 'unknown'}
              </Fact>
              <Fact label="UID">
                <Text size="xs" ff="monospace" style={{ wordBreak: 'break-all' }}>
                  {device.data.uid}
                </Text>
              </Fact>
            </SimpleGrid>
          </Card>
          <DeviceTags device={device.data} editable={canTag} />
          {device.data.status === 'accepted' && sshHost && (
            <Stack gap="xs">
              <Text fw={600}>Connect with ssh</Text>
              <CopyField
                label="ssh command"
                value={`ssh ${sshPort && sshPort !== '22' ? `-p ${sshPort} ` : ''}USER@${device.data.namespace}.${device.data.name}@${sshHost}`}
              />
            </Stack>
          )}
        </Stack>
      )}
    </QueryState>
  );
}
