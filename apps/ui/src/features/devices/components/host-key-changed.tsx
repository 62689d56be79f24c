import { Alert, Badge, Button, Code, Stack, Text, Tooltip } from '@mantine/core';
import { modals } from '@mantine/modals';
import { api, unwrap } from '../../../api/client';
import { notifyError, notifySuccess } from '../../../ui/form-errors';
import { useCan } from '../../auth/auth-actions';
import { type Device, useDeviceMutation } from '../device-queries';

/** The list's and the page header's mark for a device whose host key no longer matches the pinned one. */
export function HostKeyChangedBadge({ device }: { device: Pick<Device, 'host_key_changed'> }) {
  if (!device.host_key_changed) return null;
  return (
    <Tooltip label="The device presented another SSH host key than the pinned one: logins are refused until the change is accepted">
      <Badge color="red.9" variant="outline" size="sm">
        host key changed
      </Badge>
    </Tooltip>
  );
}

/**
 * Why logins to the device are refused, and (administrators and the owner) the way to pin the key it now presents.
 * Only that key: if the device presents yet another one meanwhile, the API answers 409 and the page shows the new one.
 */
export function HostKeyChangedAlert({ device }: { device: Device }) {
  const canAccept = useCan('device:host_key_accept');
  const accept = useDeviceMutation(() => unwrap(api.POST('/api/devices/{uid}/host-key/accept', { params: { path: { uid: device.uid } } })));
  if (!device.host_key_changed) return null;
  const fingerprint = device.presented_host_key_fingerprint ?? 'unknown';
  const confirm = () =>
    modals.openConfirmModal({
      title: 'Accept the new host key?',
      children: (
        <Stack gap="xs">
          <Text size="sm">
            Accept it only if you know why the key changed (the device was reinstalled, or its key was rotated). Otherwise
            something may be impersonating the device.
          </Text>
          <Code block>{fingerprint}</Code>
        </Stack>
      ),
      labels: { confirm: 'Accept the new key', cancel: 'Keep refusing' },
      confirmProps: { color: 'red' },
      onConfirm: () => accept.mutate(undefined, { onSuccess: () => notifySuccess('New host key accepted'), onError: notifyError }),
    });
  return (
    <Alert color="red" title="Host key changed" role="alert">
      <Stack gap="xs" align="flex-start">
        <Text size="sm">
          The device presented another SSH host key than the one pinned for it, so the gateway refuses logins to it. The
          key it presented:
        </Text>
        <Code data-testid="presented-host-key">{fingerprint}</Code>
        {canAccept ? (
          <Button size="xs" color="red" variant="light" loading={accept.isPending} onClick={confirm}>
            Accept the new host key
          </Button>
        ) : (
          <Text size="xs" c="dimmed">
            An administrator or the owner can accept the new key.
          </Text>
        )}
      </Stack>
    </Alert>
  );
}
