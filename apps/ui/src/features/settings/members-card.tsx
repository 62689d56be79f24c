import { Badge, Button, Card, Group, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { modals } from '@mantine/modals';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import { notifyError, notifySuccess, showApiErrors } from '../../ui/form-errors';
import { QueryState } from '../../ui/query-state';
import { emailProblem } from '../auth/account-rules';
import { useCan } from '../auth/auth-actions';
import { useSession } from '../auth/session-store';

const assignableRoles = [
  { value: 'administrator', label: 'Administrator' },
  { value: 'operator', label: 'Operator' },
  { value: 'observer', label: 'Observer' },
];
type AssignableRole = 'administrator' | 'operator' | 'observer';

function InviteForm({ tenant, onDone }: { tenant: string; onDone: () => void }) {
  const form = useForm({
    initialValues: { email: '', role: 'observer' as AssignableRole },
    validate: { email: emailProblem },
  });
  return (
    <form
      noValidate
      onSubmit={form.onSubmit(async (values) => {
        try {
          await unwrap(api.POST('/api/namespaces/{tenant}/members', { params: { path: { tenant } }, body: values }));
          notifySuccess(`Invitation sent to ${values.email}`);
          form.reset();
          onDone();
        } catch (error) {
          showApiErrors(form, error);
        }
      })}
    >
      <Group align="flex-start" wrap="wrap">
        <TextInput label="Invite by e-mail" placeholder="name@example.com" {...form.getInputProps('email')} style={{ flex: '1 1 200px' }} />
        <Select label="Role" data={assignableRoles} allowDeselect={false} w={160} {...form.getInputProps('role')} />
        <Button type="submit" mt={25}>
          Invite
        </Button>
      </Group>
    </form>
  );
}

export function MembersCard({ tenant }: { tenant: string }) {
  const canManage = useCan('namespace:members');
  const session = useSession();
  const queryClient = useQueryClient();
  const namespace = useQuery({
    queryKey: ['namespace', tenant],
    queryFn: () => unwrap(api.GET('/api/namespaces/{tenant}', { params: { path: { tenant } } })),
  });
  const refresh = () => void queryClient.invalidateQueries({ queryKey: ['namespace', tenant] });
  const changeRole = (uid: string, role: AssignableRole) =>
    unwrap(api.PATCH('/api/namespaces/{tenant}/members/{uid}', { params: { path: { tenant, uid } }, body: { role } })).then(
      () => (notifySuccess('Role changed'), refresh()),
      notifyError,
    );
  const confirmRemove = (uid: string, who: string) =>
    modals.openConfirmModal({
      title: `Remove ${who}?`,
      children: <Text size="sm">They lose access to this namespace at once, and their API keys here stop working.</Text>,
      labels: { confirm: 'Remove the member', cancel: 'Keep them' },
      confirmProps: { color: 'red' },
      onConfirm: () =>
        unwrap(api.DELETE('/api/namespaces/{tenant}/members/{uid}', { params: { path: { tenant, uid } } })).then(refresh, notifyError),
    });
  return (
    <Card withBorder>
      <Stack>
        <Title order={3} size="h4">
          Members
        </Title>
        {canManage && <InviteForm tenant={tenant} onDone={refresh} />}
        <QueryState isLoading={namespace.isPending} error={namespace.error} onRetry={() => void namespace.refetch()}>
          <Table.ScrollContainer minWidth={480}>
            <Table>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Member</Table.Th>
                  <Table.Th>Role</Table.Th>
                  <Table.Th />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {namespace.data?.members.map((member) => {
                  const who = member.email ?? member.id;
                  const editable = canManage && member.role !== 'owner' && member.id !== session?.id;
                  return (
                    <Table.Tr key={member.id}>
                      <Table.Td>
                        <Group gap="xs">
                          <Text size="sm">{who}</Text>
                          {member.status !== 'accepted' && (
                            <Badge size="xs" color="yellow" variant="light">
                              {member.status}
                            </Badge>
                          )}
                        </Group>
                      </Table.Td>
                      <Table.Td>
                        {editable ? (
                          <Select
                            aria-label={`Role of ${who}`}
                            size="xs"
                            w={150}
                            data={assignableRoles}
                            value={member.role}
                            allowDeselect={false}
                            onChange={(role) => role && void changeRole(member.id, role as AssignableRole)}
                          />
                        ) : (
                          member.role
                        )}
                      </Table.Td>
                      <Table.Td>
                        {editable && (
                          <Button size="xs" color="red" variant="subtle" onClick={() => confirmRemove(member.id, who)}>
                            Remove
                          </Button>
                        )}
                      </Table.Td>
                    </Table.Tr>
                  );
                })}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </QueryState>
      </Stack>
    </Card>
  );
}
