import { Autocomplete, Badge, Card, Group, Pagination, Select, SimpleGrid, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useQuery } from '@tanstack/react-query';
import dayjs from 'dayjs';
import { useEffect, useMemo, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { api, unwrapPage } from '../../api/client';
import { QueryState } from '../../ui/query-state';
import { encodeFilter } from '../devices/device-filter';
import { AuditChart } from './audit-chart';
import {
  auditFilterItems,
  auditKinds,
  type AuditPeriod,
  auditPeriods,
  type AuditView,
  auditViewFromSearchParams,
  auditViewToSearchParams,
} from './audit-view';

const PER_PAGE = 50;
/** The chart reads at most this many pages of 100 events; it says so when the period holds more. */
const CHART_PAGES = 5;

const kindColor = (kind: string) =>
  kind === 'login' || kind === 'mfa-passed' ? 'teal.9' : kind === 'disconnected' ? 'gray.7' : kind.includes('block') ? 'orange.9' : 'red.9';

function useAuditView(): [AuditView, (changes: Partial<AuditView>) => void] {
  const [params, setParams] = useSearchParams();
  const view = useMemo(() => auditViewFromSearchParams(params), [params]);
  // Any change but a page change goes back to the first page.
  const update = (changes: Partial<AuditView>) =>
    setParams(auditViewToSearchParams({ ...view, page: 1, ...changes }), { replace: true });
  return [view, update];
}

/** A text filter that waits for typing to pause before it changes the address bar (and the query). */
function FilterInput({ label, value, onChange }: { label: string; value: string; onChange: (value: string) => void }) {
  const [text, setText] = useState(value);
  const [settled] = useDebouncedValue(text, 300);
  useEffect(() => setText(value), [value]);
  useEffect(() => {
    if (settled !== value) onChange(settled);
    // Only a settled edit is news; `value` changing from the URL is handled above.
  }, [settled]);
  return <TextInput label={label} value={text} onChange={(event) => setText(event.currentTarget.value)} />;
}

export function AuditLogPage() {
  const [view, update] = useAuditView();
  // The period's window is fixed when the view changes, so that pages of one view agree with each other.
  const now = useMemo(() => Date.now(), [view]);
  const filter = encodeFilter(auditFilterItems(view, now));
  const events = useQuery({
    queryKey: ['admin', 'audit-log', filter, view.page],
    placeholderData: (previous) => previous,
    queryFn: () => unwrapPage(api.GET('/admin/api/audit-log', { params: { query: { filter, page: view.page, per_page: PER_PAGE } } })),
  });
  const chart = useQuery({
    queryKey: ['admin', 'audit-chart', filter],
    queryFn: async () => {
      const collected: Array<{ kind: string; at: string }> = [];
      let total = 0;
      for (let page = 1; page <= CHART_PAGES; page += 1) {
        const answer = await unwrapPage(api.GET('/admin/api/audit-log', { params: { query: { filter, page, per_page: 100 } } }));
        total = answer.total;
        collected.push(...answer.items);
        if (collected.length >= total || answer.items.length < 100) break;
      }
      return { events: collected, total };
    },
  });
  const total = events.data?.total ?? 0;
  const items = events.data?.items ?? [];

  return (
    <Stack>
      <Title order={2}>Gateway audit log</Title>
      <Card withBorder>
        <SimpleGrid cols={{ base: 1, xs: 2, md: 3 }}>
          <Select
            label="Period"
            data={Object.entries(auditPeriods).map(([value, { label }]) => ({ value, label }))}
            value={view.period}
            onChange={(value) => value && update({ period: value as AuditPeriod })}
            allowDeselect={false}
          />
          <Autocomplete label="Kind" data={auditKinds} value={view.kind} onChange={(kind) => update({ kind })} />
          <FilterInput label="Login" value={view.username} onChange={(username) => update({ username })} />
          <FilterInput label="Client address" value={view.address} onChange={(address) => update({ address })} />
          <FilterInput label="Device UID" value={view.device} onChange={(device) => update({ device })} />
          <FilterInput label="Namespace (tenant id)" value={view.tenant} onChange={(tenant) => update({ tenant })} />
        </SimpleGrid>
      </Card>
      <Card withBorder>
        <Stack gap="xs">
          <Text fw={600}>Events over time</Text>
          <QueryState isLoading={chart.isPending} error={chart.error} onRetry={() => void chart.refetch()}>
            {chart.data && (
              <>
                <AuditChart events={chart.data.events} period={view.period} now={now} />
                {chart.data.total > chart.data.events.length && (
                  <Text size="xs" c="dimmed">
                    The chart shows the latest {chart.data.events.length} of {chart.data.total} events: narrow the filters
                    or the period to see them all.
                  </Text>
                )}
              </>
            )}
          </QueryState>
        </Stack>
      </Card>
      <Text size="sm" c="dimmed">
        {total} event{total === 1 ? '' : 's'}, newest first
      </Text>
      <QueryState
        isLoading={events.isPending}
        error={events.error}
        onRetry={() => void events.refetch()}
        isEmpty={items.length === 0}
        empty={<Text c="dimmed">No event matches.</Text>}
      >
        <Table.ScrollContainer minWidth={860}>
          <Table>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>When</Table.Th>
                <Table.Th>Kind</Table.Th>
                <Table.Th>Reason</Table.Th>
                <Table.Th>Login</Table.Th>
                <Table.Th>Client</Table.Th>
                <Table.Th>Device</Table.Th>
                <Table.Th>Namespace</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((event) => (
                <Table.Tr key={event.id} data-testid="audit-event">
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>{dayjs(event.at).format('YYYY-MM-DD HH:mm:ss')}</Table.Td>
                  <Table.Td>
                    <Badge variant="outline" color={kindColor(event.kind)} style={{ cursor: 'pointer' }} onClick={() => update({ kind: event.kind })}>
                      {event.kind}
                    </Badge>
                  </Table.Td>
                  <Table.Td>{event.reason}</Table.Td>
                  <Table.Td ff="monospace">{event.username || '—'}</Table.Td>
                  <Table.Td ff="monospace">{event.address || '—'}</Table.Td>
                  <Table.Td ff="monospace">{event.device ? event.device.slice(0, 12) : '—'}</Table.Td>
                  <Table.Td ff="monospace">{event.tenant_id ? event.tenant_id.slice(0, 8) : '—'}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
        {total > PER_PAGE && (
          <Group justify="center">
            <Pagination total={Math.ceil(total / PER_PAGE)} value={view.page} onChange={(page) => update({ page })} />
          </Group>
        )}
      </QueryState>
    </Stack>
  );
}
