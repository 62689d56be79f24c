import { ActionIcon, Badge, Button, Card, Group, Stack, Table, Text, Title } from '@mantine/core';
import { modals } from '@mantine/modals';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, type Schemas, unwrap, unwrapPage } from '../../api/client';
import { describeSelector, type DeviceSelector } from '../../ui/device-filter-input';
import { notifyError, notifySuccess } from '../../ui/form-errors';
import { QueryState } from '../../ui/query-state';
import { useCan } from '../auth/auth-actions';
import { FirewallRuleForm } from './firewall-rule-form';
import { byPriority, moveRule } from './rule-order';

type FirewallRule = Schemas['FirewallRuleDto'];

function ruleBody(rule: FirewallRule, priority: number) {
  const { action, active, source_ip, username, filter } = rule;
  return { action, active, priority, source_ip, username, filter };
}

export function FirewallRulesPage() {
  const canEdit = useCan('firewall:edit');
  const queryClient = useQueryClient();
  const [dragged, setDragged] = useState<number | null>(null);
  const [saving, setSaving] = useState(false);
  const rules = useQuery({
    queryKey: ['firewall-rules'],
    queryFn: async () => {
      const { items } = await unwrapPage(api.GET('/api/firewall/rules', { params: { query: { per_page: 100 } } }));
      return byPriority(items);
    },
  });
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['firewall-rules'] });
  const ordered = rules.data ?? [];

  const move = async (from: number, to: number) => {
    const { order, changes } = moveRule(ordered, from, to);
    if (changes.length === 0) return;
    queryClient.setQueryData(['firewall-rules'], order);
    setSaving(true);
    try {
      for (const { rule, priority } of changes) {
        await unwrap(api.PUT('/api/firewall/rules/{id}', { params: { path: { id: rule.id } }, body: ruleBody(rule, priority) }));
      }
      notifySuccess('Rule order saved');
    } catch (error) {
      notifyError(error);
    } finally {
      setSaving(false);
      await refresh();
    }
  };

  const confirmDelete = (rule: FirewallRule) =>
    modals.openConfirmModal({
      title: 'Delete this firewall rule?',
      children: <Text size="sm">Connections it {rule.action === 'allow' ? 'allowed' : 'denied'} fall to the next rules.</Text>,
      labels: { confirm: 'Delete the rule', cancel: 'Keep it' },
      confirmProps: { color: 'red' },
      onConfirm: () =>
        unwrap(api.DELETE('/api/firewall/rules/{id}', { params: { path: { id: rule.id } } })).then(() => refresh(), notifyError),
    });

  return (
    <Stack>
      <Title order={2}>Firewall rules</Title>
      <Text c="dimmed" size="sm">
        Rules run in priority order; the first that matches a connection allows or denies it.
        {canEdit && ' Drag a rule, or use its arrows, to change the order.'}
      </Text>
      {canEdit && (
        <Card withBorder>
          <FirewallRuleForm nextPriority={(ordered.at(-1)?.priority ?? 0) + 1} onDone={() => void refresh()} />
        </Card>
      )}
      <QueryState
        isLoading={rules.isPending}
        error={rules.error}
        onRetry={() => void rules.refetch()}
        isEmpty={ordered.length === 0}
        empty={<Text c="dimmed">No rule: every connection is allowed.</Text>}
      >
        <Table.ScrollContainer minWidth={600}>
          <Table aria-busy={saving}>
            <Table.Thead>
              <Table.Tr>
                {canEdit && <Table.Th w={80}>Order</Table.Th>}
                <Table.Th>Priority</Table.Th>
                <Table.Th>Action</Table.Th>
                <Table.Th>Source</Table.Th>
                <Table.Th>Username</Table.Th>
                <Table.Th>Devices</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {ordered.map((rule, index) => (
                <Table.Tr
                  key={rule.id}
                  data-testid="firewall-rule"
                  draggable={canEdit && !saving}
                  onDragStart={() => setDragged(index)}
                  onDragOver={(event) => canEdit && event.preventDefault()}
                  onDrop={() => dragged !== null && void move(dragged, index)}
                  onDragEnd={() => setDragged(null)}
                  style={{ opacity: dragged === index ? 0.5 : 1 }}
                >
                  {canEdit && (
                    <Table.Td>
                      <Group gap={2} wrap="nowrap">
                        <ActionIcon variant="subtle" size="sm" aria-label={`Move rule ${index + 1} up`} disabled={index === 0 || saving} onClick={() => void move(index, index - 1)}>
                          ↑
                        </ActionIcon>
                        <ActionIcon variant="subtle" size="sm" aria-label={`Move rule ${index + 1} down`} disabled={index === ordered.length - 1 || saving} onClick={() => void move(index, index + 1)}>
                          ↓
                        </ActionIcon>
                        <Text className="drag-handle" c="dimmed" aria-hidden>
                          ⠿
                        </Text>
                      </Group>
                    </Table.Td>
                  )}
                  <Table.Td>{rule.priority}</Table.Td>
                  <Table.Td>
                    <Badge color={rule.action === 'allow' ? 'teal' : 'red'} variant="light">
                      {rule.action}
                    </Badge>
                    {!rule.active && (
                      <Badge color="gray" variant="outline" ml={4}>
                        inactive
                      </Badge>
                    )}
                  </Table.Td>
                  <Table.Td ff="monospace">{rule.source_ip}</Table.Td>
                  <Table.Td ff="monospace">{rule.username}</Table.Td>
                  <Table.Td>{describeSelector(rule.filter as DeviceSelector)}</Table.Td>
                  <Table.Td>
                    {canEdit && (
                      <Button size="xs" color="red" variant="subtle" onClick={() => confirmDelete(rule)}>
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
  );
}
