import { Badge, Button, Group, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { modals } from '@mantine/modals';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { api, unwrap, unwrapPage } from '../../api/client';
import { tagPattern } from '../../ui/device-filter-input';
import { notifyError, notifySuccess, showApiErrors } from '../../ui/form-errors';
import { QueryState } from '../../ui/query-state';
import { useCan } from '../auth/auth-actions';
import { deviceFilterItems, encodeFilter } from '../devices/device-filter';
import { useDevicesChanged, useTagNames } from '../devices/device-queries';

/** How many devices, public keys and firewall rules carry each tag. */
function useTagCarriers(tags: string[]) {
  return useQuery({
    queryKey: ['tags', 'carriers', tags],
    enabled: tags.length > 0,
    queryFn: async () => {
      const [keys, rules, deviceCounts] = await Promise.all([
        unwrapPage(api.GET('/api/sshkeys/public-keys', { params: { query: { per_page: 100 } } })),
        unwrapPage(api.GET('/api/firewall/rules', { params: { query: { per_page: 100 } } })),
        Promise.all(
          tags.map(async (tag) => {
            const filter = encodeFilter(deviceFilterItems({ search: '', tags: [tag], online: 'any' }));
            return (await unwrapPage(api.GET('/api/devices', { params: { query: { filter, per_page: 1 } } }))).total;
          }),
        ),
      ]);
      const carriedBy = (items: Array<{ filter: { tags?: string[] } }>, tag: string) =>
        items.filter((item) => item.filter.tags?.includes(tag)).length;
      return Object.fromEntries(
        tags.map((tag, index) => [
          tag,
          { devices: deviceCounts[index], keys: carriedBy(keys.items, tag), rules: carriedBy(rules.items, tag) },
        ]),
      );
    },
  });
}

function RenameTag({ tag, onDone }: { tag: string; onDone: () => void }) {
  const [editing, setEditing] = useState(false);
  const form = useForm({
    initialValues: { tag },
    validate: { tag: (value) => (tagPattern.test(value) ? null : '3 to 255 letters or digits') },
  });
  if (!editing) {
    return (
      <Button size="xs" variant="subtle" onClick={() => setEditing(true)}>
        Rename
      </Button>
    );
  }
  return (
    <form
      onSubmit={form.onSubmit(async (values) => {
        try {
          await unwrap(api.PUT('/api/tags/{tag}', { params: { path: { tag } }, body: values }));
          notifySuccess(`Tag ${tag} renamed to ${values.tag}`);
          setEditing(false);
          onDone();
        } catch (error) {
          showApiErrors(form, error);
        }
      })}
    >
      <Group gap="xs" align="flex-start" wrap="nowrap">
        <TextInput size="xs" aria-label={`New name for ${tag}`} autoFocus {...form.getInputProps('tag')} />
        <Button size="xs" type="submit">
          Save
        </Button>
      </Group>
    </form>
  );
}

export function TagsPage() {
  const canEdit = useCan('tag:edit');
  const tags = useTagNames();
  const names = tags.data ?? [];
  const carriers = useTagCarriers(names);
  const changed = useDevicesChanged();
  const confirmDelete = (tag: string) =>
    modals.openConfirmModal({
      title: `Delete the tag ${tag}?`,
      children: (
        <Text size="sm">
          It is taken off every device, public key and firewall rule that carries it; keys and rules that selected devices
          only by this tag then select none.
        </Text>
      ),
      labels: { confirm: `Delete ${tag}`, cancel: 'Keep it' },
      confirmProps: { color: 'red' },
      onConfirm: () => unwrap(api.DELETE('/api/tags/{tag}', { params: { path: { tag } } })).then(() => changed(), notifyError),
    });
  return (
    <Stack>
      <Title order={2}>Tags</Title>
      <QueryState
        isLoading={tags.isPending}
        error={tags.error}
        onRetry={() => void tags.refetch()}
        isEmpty={names.length === 0}
        empty={<Text c="dimmed">No tag yet: tag devices on their page.</Text>}
      >
        <Table.ScrollContainer minWidth={480}>
          <Table>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Tag</Table.Th>
                <Table.Th>Carried by</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {names.map((tag) => {
                const carried = carriers.data?.[tag];
                return (
                  <Table.Tr key={tag}>
                    <Table.Td>
                      <Badge variant="outline" component={Link} to={`/devices?tags=${encodeURIComponent(tag)}`} style={{ cursor: 'pointer' }}>
                        {tag}
                      </Badge>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">
                        {carried ? `${carried.devices} devices, ${carried.keys} public keys, ${carried.rules} firewall rules` : '…'}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      {canEdit && (
                        <Group gap="xs" justify="flex-end" wrap="nowrap">
                          <RenameTag tag={tag} onDone={() => void changed()} />
                          <Button size="xs" color="red" variant="subtle" onClick={() => confirmDelete(tag)}>
                            Delete
                          </Button>
                        </Group>
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
  );
}
