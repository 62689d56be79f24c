import { Badge, Button, Card, Group, Modal, Stack, Switch, Table, Text, Title } from '@mantine/core';
import { modals } from '@mantine/modals';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, unwrap, unwrapPage } from '../../api/client';
import { describeSelector, type DeviceSelector } from '../../ui/device-filter-input';
import { notifyError } from '../../ui/form-errors';
import { QueryState } from '../../ui/query-state';
import { useCan } from '../auth/auth-actions';
import { ChannelPolicyForm } from './channel-policy-form';
import { type ChannelPolicy, describeChannels, policyRequest, policyValues } from './channel-policy-values';

const queryKey = ['channel-policies'];

export function ChannelPoliciesCard() {
  const canEdit = useCan('channel_policy:edit');
  const queryClient = useQueryClient();
  // undefined: no form open; null: a new policy; a policy: editing it.
  const [editing, setEditing] = useState<ChannelPolicy | null | undefined>(undefined);
  const policies = useQuery({
    queryKey,
    queryFn: async () => {
      const { items } = await unwrapPage(api.GET('/api/gateway/channel-policies', { params: { query: { per_page: 100 } } }));
      return [...items].sort((a, b) => a.priority - b.priority);
    },
  });
  const refresh = () => queryClient.invalidateQueries({ queryKey });
  const list = policies.data ?? [];

  const setActive = (policy: ChannelPolicy, active: boolean) =>
    unwrap(
      api.PUT('/api/gateway/channel-policies/{id}', {
        params: { path: { id: policy.id } },
        body: policyRequest({ ...policyValues(policy), active }),
      }),
    ).then(() => refresh(), notifyError);

  const confirmDelete = (policy: ChannelPolicy) =>
    modals.openConfirmModal({
      title: `Delete the policy "${policy.name}"?`,
      children: <Text size="sm">The logins it covers fall to the next policy, or are allowed everything when none covers them.</Text>,
      labels: { confirm: 'Delete the policy', cancel: 'Keep it' },
      confirmProps: { color: 'red' },
      onConfirm: () =>
        unwrap(api.DELETE('/api/gateway/channel-policies/{id}', { params: { path: { id: policy.id } } })).then(
          () => refresh(),
          notifyError,
        ),
    });

  return (
    <Card withBorder>
      <Stack>
        <Group justify="space-between">
          <Title order={3}>Channel policies</Title>
          {canEdit && (
            <Button size="xs" onClick={() => setEditing(null)}>
              Add a policy
            </Button>
          )}
        </Group>
        <Text c="dimmed" size="sm">
          The first active policy, by priority, that covers a login decides what its SSH connection may open. A login no
          policy covers may open everything; for deny by default, add a last policy for every device that allows nothing.
        </Text>
        <QueryState
          isLoading={policies.isPending}
          error={policies.error}
          onRetry={() => void policies.refetch()}
          isEmpty={list.length === 0}
          empty={<Text c="dimmed">No policy: every login may open every channel.</Text>}
        >
          <Table.ScrollContainer minWidth={640}>
            <Table>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Priority</Table.Th>
                  <Table.Th>Name</Table.Th>
                  <Table.Th>Covers</Table.Th>
                  <Table.Th>Allows</Table.Th>
                  <Table.Th>Active</Table.Th>
                  <Table.Th />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {list.map((policy) => (
                  <Table.Tr key={policy.id} data-testid="channel-policy">
                    <Table.Td>{policy.priority}</Table.Td>
                    <Table.Td>{policy.name}</Table.Td>
                    <Table.Td>
                      <Text size="sm">{describeSelector(policy.filter as DeviceSelector)}</Text>
                      <Text size="xs" c="dimmed" ff="monospace">
                        {policy.username === '' ? 'any login' : `login ${policy.username}`}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Badge variant="light" color={describeChannels(policy.channels) === 'nothing' ? 'red' : 'teal'} tt="none">
                        {describeChannels(policy.channels)}
                      </Badge>
                    </Table.Td>
                    <Table.Td>
                      <Switch
                        aria-label={`Policy ${policy.name} active`}
                        checked={policy.active}
                        disabled={!canEdit}
                        onChange={(event) => void setActive(policy, event.currentTarget.checked)}
                      />
                    </Table.Td>
                    <Table.Td>
                      {canEdit && (
                        <Group gap={4} wrap="nowrap" justify="flex-end">
                          <Button size="xs" variant="subtle" onClick={() => setEditing(policy)}>
                            Edit
                          </Button>
                          <Button size="xs" variant="subtle" color="red" onClick={() => confirmDelete(policy)}>
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
        {!canEdit && (
          <Text size="xs" c="dimmed">
            Only administrators and the owner change channel policies.
          </Text>
        )}
      </Stack>
      <Modal
        opened={editing !== undefined}
        onClose={() => setEditing(undefined)}
        title={editing ? `Edit the policy "${editing.name}"` : 'New channel policy'}
        size="lg"
      >
        {editing !== undefined && (
          <ChannelPolicyForm
            key={editing?.id ?? 'new'}
            policy={editing ?? undefined}
            nextPriority={(list.at(-1)?.priority ?? 0) + 1}
            onDone={() => (setEditing(undefined), void refresh())}
          />
        )}
      </Modal>
    </Card>
  );
}
