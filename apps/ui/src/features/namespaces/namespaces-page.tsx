import { Badge, Button, Card, Group, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { modals } from '@mantine/modals';
import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import { notifyError, notifySuccess, showApiErrors } from '../../ui/form-errors';
import { QueryState } from '../../ui/query-state';
import { sessionStore, useSession } from '../auth/session-store';
import { type Namespace, useNamespaces, useSwitchNamespace } from './namespace-queries';

function CreateNamespaceForm({ onCreated }: { onCreated: (tenant: string) => Promise<void> }) {
  const [busy, setBusy] = useState(false);
  const form = useForm({
    initialValues: { name: '' },
    validate: {
      name: (value) =>
        /^[a-zA-Z0-9][a-zA-Z0-9-]{1,28}[a-zA-Z0-9]$/.test(value) ? null : '3 to 30 letters, digits or inner dashes',
    },
  });
  return (
    <form
      onSubmit={form.onSubmit(async ({ name }) => {
        setBusy(true);
        try {
          const created = await unwrap(api.POST('/api/namespaces', { body: { name } }));
          form.reset();
          await onCreated(created.tenant_id);
          notifySuccess(`Namespace ${name} created`);
        } catch (error) {
          showApiErrors(form, error);
        } finally {
          setBusy(false);
        }
      })}
      noValidate
    >
      <Group align="flex-start">
        <TextInput label="New namespace" placeholder="my-fleet" {...form.getInputProps('name')} style={{ flex: 1 }} />
        <Button type="submit" loading={busy} mt={25}>
          Create
        </Button>
      </Group>
    </form>
  );
}

export function NamespacesPage() {
  const session = useSession();
  const namespaces = useNamespaces();
  const switchTo = useSwitchNamespace();

  const afterLeaving = async (tenant: string) => {
    const others = (namespaces.data?.items ?? []).filter((namespace) => namespace.tenant_id !== tenant);
    if (session?.tenant === tenant) {
      if (others[0]) await switchTo(others[0].tenant_id);
      else sessionStore.update({ tenant: '', role: '' });
    }
    await namespaces.refetch();
  };

  const confirmDelete = (namespace: Namespace) =>
    modals.openConfirmModal({
      title: `Delete the namespace ${namespace.name}?`,
      children: (
        <Text size="sm">
          This deletes its {namespace.device_count} device{namespace.device_count === 1 ? '' : 's'}, public keys, firewall
          rules, API keys and memberships: {namespace.members.length} member{namespace.members.length === 1 ? '' : 's'} lose
          access at once, and agents of its devices are disconnected. It cannot be undone.
        </Text>
      ),
      labels: { confirm: `Delete ${namespace.name}`, cancel: 'Keep it' },
      confirmProps: { color: 'red' },
      onConfirm: () =>
        unwrap(api.DELETE('/api/namespaces/{tenant}', { params: { path: { tenant: namespace.tenant_id } } }))
          .then(() => afterLeaving(namespace.tenant_id))
          .then(() => notifySuccess(`Namespace ${namespace.name} deleted`), notifyError),
    });

  const confirmLeave = (namespace: Namespace) =>
    modals.openConfirmModal({
      title: `Leave the namespace ${namespace.name}?`,
      children: (
        <Text size="sm">
          You lose access to its devices at once, and your API keys there stop working. Only a new invitation brings you
          back.
        </Text>
      ),
      labels: { confirm: `Leave ${namespace.name}`, cancel: 'Stay' },
      confirmProps: { color: 'red' },
      onConfirm: () =>
        unwrap(api.DELETE('/api/namespaces/{tenant}/members', { params: { path: { tenant: namespace.tenant_id } } }))
          .then(() => afterLeaving(namespace.tenant_id))
          .then(() => notifySuccess(`You left ${namespace.name}`), notifyError),
    });

  return (
    <Stack>
      <Title order={2}>Namespaces</Title>
      <Card withBorder>
        <CreateNamespaceForm onCreated={switchTo} />
      </Card>
      <QueryState
        isLoading={namespaces.isPending}
        error={namespaces.error}
        onRetry={() => void namespaces.refetch()}
        isEmpty={(namespaces.data?.items.length ?? 0) === 0}
        empty={<Text c="dimmed">You belong to no namespace yet: create one above.</Text>}
      >
        <Table.ScrollContainer minWidth={420}>
          <Table>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Devices</Table.Th>
                <Table.Th>Members</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {namespaces.data?.items.map((namespace) => {
                const owned = namespace.owner === session?.id;
                const current = namespace.tenant_id === session?.tenant;
                return (
                  <Table.Tr key={namespace.tenant_id}>
                    <Table.Td>
                      <Group gap="xs">
                        {namespace.name}
                        {current && <Badge size="xs">current</Badge>}
                        {owned && (
                          <Badge size="xs" variant="outline">
                            owner
                          </Badge>
                        )}
                      </Group>
                    </Table.Td>
                    <Table.Td>{namespace.device_count}</Table.Td>
                    <Table.Td>{namespace.members.length}</Table.Td>
                    <Table.Td>
                      <Group gap="xs" justify="flex-end" wrap="nowrap">
                        {!current && (
                          <Button size="xs" variant="light" onClick={() => switchTo(namespace.tenant_id).catch(notifyError)}>
                            Switch
                          </Button>
                        )}
                        {owned ? (
                          <Button size="xs" color="red" variant="subtle" onClick={() => confirmDelete(namespace)}>
                            Delete
                          </Button>
                        ) : (
                          <Button size="xs" color="red" variant="subtle" onClick={() => confirmLeave(namespace)}>
                            Leave
                          </Button>
                        )}
                      </Group>
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </QueryState>
    </Stack>
  );
}
