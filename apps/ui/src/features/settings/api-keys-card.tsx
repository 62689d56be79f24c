import { Alert, Button, Card, Group, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { modals } from '@mantine/modals';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import dayjs from 'dayjs';
import { useState } from 'react';
import { api, unwrap, unwrapPage } from '../../api/client';
import { CopyField } from '../../ui/copy-field';
import { notifyError, showApiErrors } from '../../ui/form-errors';
import { QueryState } from '../../ui/query-state';
import { useCan } from '../auth/auth-actions';

const lifetimes = [
  { value: '30', label: '30 days' },
  { value: '60', label: '60 days' },
  { value: '90', label: '90 days' },
  { value: '365', label: 'One year' },
  { value: '-1', label: 'Never expires' },
];

function expiry(expiresIn: number): string {
  // expires_in is the Unix second the key stops working, or -1 for never.
  return expiresIn < 0 ? 'never' : dayjs.unix(expiresIn).format('YYYY-MM-DD');
}

export function ApiKeysCard() {
  const canEdit = useCan('api_key:edit');
  const queryClient = useQueryClient();
  const [created, setCreated] = useState<{ name: string; key: string } | null>(null);
  const keys = useQuery({
    queryKey: ['api-keys'],
    queryFn: () => unwrapPage(api.GET('/api/namespaces/api-key', { params: { query: { per_page: 100 } } })),
  });
  const refresh = () => void queryClient.invalidateQueries({ queryKey: ['api-keys'] });
  const form = useForm({
    initialValues: { name: '', lifetime: '30', role: 'observer' },
    validate: { name: (value) => (/^\S{3,20}$/.test(value) ? null : '3 to 20 characters without spaces') },
  });
  const confirmDelete = (name: string) =>
    modals.openConfirmModal({
      title: `Delete the API key ${name}?`,
      children: <Text size="sm">Scripts that use it are refused from now on.</Text>,
      labels: { confirm: 'Delete the key', cancel: 'Keep it' },
      confirmProps: { color: 'red' },
      onConfirm: () => unwrap(api.DELETE('/api/namespaces/api-key/{key}', { params: { path: { key: name } } })).then(refresh, notifyError),
    });
  return (
    <Card withBorder>
      <Stack>
        <Title order={3} size="h4">
          API keys
        </Title>
        <Text size="sm" c="dimmed">
          For scripts that read this namespace through the API, sent as the X-API-KEY header.
        </Text>
        {created && (
          <Alert color="teal" title={`API key ${created.name} created`} withCloseButton onClose={() => setCreated(null)}>
            <Stack gap="xs">
              <Text size="sm">Copy it now: it is shown only this once.</Text>
              <CopyField label="API key" value={created.key} />
            </Stack>
          </Alert>
        )}
        {canEdit && (
          <form
            noValidate
            onSubmit={form.onSubmit(async ({ name, lifetime, role }) => {
              try {
                const key = await unwrap(
                  api.POST('/api/namespaces/api-key', {
                    body: { name, expires_at: Number(lifetime) as -1 | 30 | 60 | 90 | 365, role: role as 'observer' },
                  }),
                );
                setCreated({ name, key: key.id });
                form.reset();
                refresh();
              } catch (error) {
                showApiErrors(form, error);
              }
            })}
          >
            <Group align="flex-start" wrap="wrap">
              <TextInput label="Name" {...form.getInputProps('name')} style={{ flex: '1 1 160px' }} />
              <Select label="Expires" data={lifetimes} allowDeselect={false} w={150} {...form.getInputProps('lifetime')} />
              <Select
                label="Role"
                data={['administrator', 'operator', 'observer']}
                allowDeselect={false}
                w={150}
                {...form.getInputProps('role')}
              />
              <Button type="submit" mt={25}>
                Create
              </Button>
            </Group>
          </form>
        )}
        <QueryState
          isLoading={keys.isPending}
          error={keys.error}
          isEmpty={(keys.data?.items.length ?? 0) === 0}
          empty={<Text size="sm" c="dimmed">No API key.</Text>}
        >
          <Table.ScrollContainer minWidth={420}>
            <Table>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Name</Table.Th>
                  <Table.Th>Role</Table.Th>
                  <Table.Th>Expires</Table.Th>
                  <Table.Th />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {keys.data?.items.map((key) => (
                  <Table.Tr key={key.name}>
                    <Table.Td>{key.name}</Table.Td>
                    <Table.Td>{key.role}</Table.Td>
                    <Table.Td>{expiry(key.expires_in)}</Table.Td>
                    <Table.Td>
                      {canEdit && (
                        <Button size="xs" variant="subtle" color="red" onClick={() => confirmDelete(key.name)}>
                          Delete
                        </Button>
                      )}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </QueryState>
      </Stack>
    </Card>
  );
}
