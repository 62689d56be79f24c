import { Alert, Button, Card, Code, Group, Stack, Table, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { modals } from '@mantine/modals';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap, unwrapPage } from '../../api/client';
import { utf8ToBase64 } from '../../ui/base64';
import { describeSelector, DeviceFilterInput, type DeviceSelector, deviceSelectorProblem } from '../../ui/device-filter-input';
import { notifyError, notifySuccess, showApiErrors } from '../../ui/form-errors';
import { QueryState } from '../../ui/query-state';
import { useCan } from '../auth/auth-actions';
import { useTagNames } from '../devices/device-queries';
import { parseAuthorizedKey } from './authorized-key';

function AddPublicKeyForm({ onDone }: { onDone: () => void }) {
  const tagNames = useTagNames();
  const form = useForm({
    initialValues: { name: '', data: '', username: '', filter: { hostname: '.*' } as DeviceSelector },
    validate: {
      name: (value) => (value.trim() ? null : 'a name is required'),
      data: (value) => {
        const parsed = parseAuthorizedKey(value);
        return 'problem' in parsed ? parsed.problem : null;
      },
      username: (value) => {
        try {
          new RegExp(value);
          return null;
        } catch {
          return 'not a valid regular expression';
        }
      },
      filter: deviceSelectorProblem,
    },
  });
  const create = useMutation({
    mutationFn: (values: typeof form.values) =>
      unwrap(api.POST('/api/sshkeys/public-keys', { body: { ...values, data: utf8ToBase64(values.data.trim()) } })),
  });
  const parsed = form.values.data.trim() ? parseAuthorizedKey(form.values.data) : null;
  return (
    <form
      noValidate
      onSubmit={form.onSubmit((values) =>
        create.mutate(values, {
          onSuccess: () => (form.reset(), notifySuccess('Public key added'), onDone()),
          onError: (error) => showApiErrors(form, error),
        }),
      )}
    >
      <Stack>
        <TextInput label="Name" placeholder="laptop" {...form.getInputProps('name')} />
        <Textarea
          label="Public key"
          placeholder="ssh-ed25519 AAAA… you@laptop"
          autosize
          minRows={2}
          styles={{ input: { fontFamily: 'monospace' } }}
          {...form.getInputProps('data')}
        />
        {parsed && 'fingerprint' in parsed && (
          <Text size="sm" aria-live="polite">
            Fingerprint <Code>{parsed.fingerprint}</Code> ({parsed.type})
          </Text>
        )}
        <TextInput
          label="Username pattern"
          description="A regular expression the login name on the device must match; empty allows any"
          {...form.getInputProps('username')}
        />
        <DeviceFilterInput
          value={form.values.filter}
          onChange={(filter) => form.setFieldValue('filter', filter)}
          error={form.errors['filter']}
          tagChoices={tagNames.data ?? []}
        />
        <Button type="submit" loading={create.isPending} w="fit-content">
          Save the key
        </Button>
      </Stack>
    </form>
  );
}

export function PublicKeysPage() {
  const canEdit = useCan('public_key:edit');
  const queryClient = useQueryClient();
  const keys = useQuery({
    queryKey: ['public-keys'],
    queryFn: () => unwrapPage(api.GET('/api/sshkeys/public-keys', { params: { query: { per_page: 100 } } })),
  });
  const refresh = () => void queryClient.invalidateQueries({ queryKey: ['public-keys'] });
  const confirmDelete = (name: string, fingerprint: string) =>
    modals.openConfirmModal({
      title: `Delete the key ${name}?`,
      children: <Text size="sm">Whoever holds its private key can no longer sign in to devices with it.</Text>,
      labels: { confirm: 'Delete the key', cancel: 'Keep it' },
      confirmProps: { color: 'red' },
      onConfirm: () =>
        unwrap(api.DELETE('/api/sshkeys/public-keys/{fingerprint}', { params: { path: { fingerprint } } })).then(
          refresh,
          notifyError,
        ),
    });
  return (
    <Stack>
      <Title order={2}>Public keys</Title>
      <Text c="dimmed" size="sm">
        Keys that may sign in to this namespace's devices without a device password.
      </Text>
      {canEdit && (
        <Card withBorder>
          <AddPublicKeyForm onDone={refresh} />
        </Card>
      )}
      <QueryState
        isLoading={keys.isPending}
        error={keys.error}
        onRetry={() => void keys.refetch()}
        isEmpty={(keys.data?.items.length ?? 0) === 0}
        empty={<Alert color="gray">No public key yet.</Alert>}
      >
        <Table.ScrollContainer minWidth={560}>
          <Table>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Fingerprint</Table.Th>
                <Table.Th>Users</Table.Th>
                <Table.Th>Devices</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {keys.data?.items.map((key) => (
                <Table.Tr key={key.fingerprint}>
                  <Table.Td>{key.name}</Table.Td>
                  <Table.Td>
                    <Code>{key.fingerprint}</Code>
                  </Table.Td>
                  <Table.Td>{key.username || 'any'}</Table.Td>
                  <Table.Td>{describeSelector(key.filter as DeviceSelector)}</Table.Td>
                  <Table.Td>
                    {canEdit && (
                      <Group justify="flex-end">
                        <Button size="xs" color="red" variant="subtle" onClick={() => confirmDelete(key.name, key.fingerprint)}>
                          Delete
                        </Button>
                      </Group>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </QueryState>
    </Stack>
  );
}
