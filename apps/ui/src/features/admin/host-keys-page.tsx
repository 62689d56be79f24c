import { Badge, Button, Card, Code, Group, Select, Stack, Switch, Table, Text, Title } from '@mantine/core';
import { modals } from '@mantine/modals';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import dayjs from 'dayjs';
import { useState } from 'react';
import { api, type Schemas, unwrap } from '../../api/client';
import { notifyError, notifySuccess } from '../../ui/form-errors';
import { QueryState } from '../../ui/query-state';

type HostKey = Schemas['HostKeyDto'];
type Family = HostKey['algorithm'];

/** The sizes each family comes in, the API's default first (docs/gateway-administration.md). */
export const hostKeyFamilies: Array<{ algorithm: Family; label: string; sizes: number[] }> = [
  { algorithm: 'ed25519', label: 'Ed25519', sizes: [256] },
  { algorithm: 'ecdsa', label: 'ECDSA', sizes: [256, 384, 521] },
  { algorithm: 'rsa', label: 'RSA', sizes: [3072, 2048, 4096] },
];

function GenerateKey({ family, existing, onDone }: { family: (typeof hostKeyFamilies)[number]; existing?: HostKey; onDone: () => void }) {
  const [bits, setBits] = useState(String(existing?.bits ?? family.sizes[0]));
  const generate = useMutation({
    mutationFn: () =>
      unwrap(api.POST('/admin/api/host-keys/{algorithm}', { params: { path: { algorithm: family.algorithm } }, body: { bits: Number(bits) } })),
    onSuccess: (key) => {
      notifySuccess(`New ${family.label} host key: ${key.fingerprint}`);
      onDone();
    },
    onError: notifyError,
  });
  const run = () =>
    existing
      ? modals.openConfirmModal({
          title: `Rotate the ${family.label} host key?`,
          children: (
            <Text size="sm">
              New connections get the new key at once; sessions open now keep working. Clients that pinned the old key
              (known_hosts) will warn until they learn the new one.
            </Text>
          ),
          labels: { confirm: 'Rotate the key', cancel: 'Keep it' },
          confirmProps: { color: 'red' },
          onConfirm: () => generate.mutate(),
        })
      : generate.mutate();
  return (
    <Group gap="xs" wrap="nowrap">
      {family.sizes.length > 1 && (
        <Select
          aria-label={`${family.label} key size`}
          size="xs"
          w={100}
          data={family.sizes.map((size) => ({ value: String(size), label: `${size} bits` }))}
          value={bits}
          onChange={(value) => value && setBits(value)}
          allowDeselect={false}
        />
      )}
      <Button size="xs" variant={existing ? 'light' : 'filled'} loading={generate.isPending} onClick={run}>
        {existing ? 'Rotate' : 'Generate'}
      </Button>
    </Group>
  );
}

export function HostKeysPage() {
  const queryClient = useQueryClient();
  const keys = useQuery({ queryKey: ['admin', 'host-keys'], queryFn: () => unwrap(api.GET('/admin/api/host-keys', {})) });
  const refresh = () => void queryClient.invalidateQueries({ queryKey: ['admin', 'host-keys'] });
  const toggle = useMutation({
    mutationFn: ({ algorithm, enabled }: { algorithm: Family; enabled: boolean }) =>
      unwrap(api.PATCH('/admin/api/host-keys/{algorithm}', { params: { path: { algorithm } }, body: { enabled } })),
    onSuccess: (key) => notifySuccess(`${key.algorithm} host key ${key.enabled ? 'enabled' : 'retired'}`),
    onError: notifyError,
    onSettled: refresh,
  });
  const byFamily = new Map((keys.data ?? []).map((key) => [key.algorithm, key]));
  const enabledCount = (keys.data ?? []).filter((key) => key.enabled).length;

  return (
    <Stack>
      <Title order={2}>Gateway host keys</Title>
      <Text c="dimmed" size="sm">
        Every gateway process offers the enabled keys, one per family. Generating a family’s key again rotates it;
        a retired (disabled) key is no longer offered. The last enabled key cannot be retired.
      </Text>
      <QueryState isLoading={keys.isPending} error={keys.error} onRetry={() => void keys.refetch()}>
        <Card withBorder p={0}>
          <Table.ScrollContainer minWidth={720}>
            <Table>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Family</Table.Th>
                  <Table.Th>Size</Table.Th>
                  <Table.Th>Fingerprint</Table.Th>
                  <Table.Th>Created</Table.Th>
                  <Table.Th>Offered</Table.Th>
                  <Table.Th />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {hostKeyFamilies.map((family) => {
                  const key = byFamily.get(family.algorithm);
                  return (
                    <Table.Tr key={family.algorithm} data-testid="host-key">
                      <Table.Td>{family.label}</Table.Td>
                      <Table.Td>{key ? `${key.bits} bits` : '—'}</Table.Td>
                      <Table.Td>
                        {key ? (
                          <Code style={{ wordBreak: 'break-all' }}>{key.fingerprint}</Code>
                        ) : (
                          <Badge color="gray" variant="outline">
                            no key
                          </Badge>
                        )}
                      </Table.Td>
                      <Table.Td>{key ? dayjs(key.updated_at).format('YYYY-MM-DD HH:mm') : '—'}</Table.Td>
                      <Table.Td>
                        {key && (
                          <Switch
                            aria-label={`Offer the ${family.label} key`}
                            checked={key.enabled}
                            disabled={toggle.isPending || (key.enabled && enabledCount <= 1)}
                            onChange={(event) => toggle.mutate({ algorithm: family.algorithm, enabled: event.currentTarget.checked })}
                          />
                        )}
                      </Table.Td>
                      <Table.Td>
                        <GenerateKey family={family} existing={key} onDone={refresh} />
                      </Table.Td>
                    </Table.Tr>
                  );
                })}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Card>
      </QueryState>
    </Stack>
  );
}
