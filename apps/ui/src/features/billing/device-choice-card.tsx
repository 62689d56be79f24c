import { Alert, Button, Card, Checkbox, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { api, unwrap, unwrapPage } from '../../api/client';
import { notifySuccess } from '../../ui/form-errors';
import { QueryState } from '../../ui/query-state';
import { useBillingMutation } from './billing-queries';

/**
 * Over the device limit (after a downgrade), the owner keeps up to `limit` accepted devices; the others go back to
 * pending and people may connect again. The most recently seen devices are ticked to start with.
 */
export function DeviceChoiceCard({ tenant, limit }: { tenant: string; limit: number }) {
  const accepted = useQuery({
    queryKey: ['devices', 'billing-choice'],
    queryFn: () => unwrapPage(api.GET('/api/devices', { params: { query: { status: 'accepted', per_page: 100, sort_by: 'name', order_by: 'asc' } } })),
  });
  const suggested = useQuery({ queryKey: ['billing', 'devices-most-used'], queryFn: () => unwrap(api.GET('/api/billing/devices-most-used', {})) });
  const [chosen, setChosen] = useState<string[] | null>(null);
  useEffect(() => {
    if (chosen === null && suggested.data) setChosen(suggested.data.slice(0, limit).map((device) => device.uid));
  }, [chosen, suggested.data, limit]);
  const keep = useBillingMutation(tenant, (choices: string[]) => unwrap(api.POST('/api/billing/device-choice', { body: { choices } })));
  const picked = chosen ?? [];

  return (
    <Card withBorder>
      <Stack>
        <Title order={3} size="h4">
          Choose the devices to keep
        </Title>
        <Alert color="orange" title="More devices than the plan allows">
          Nobody can connect to this namespace’s devices until it is within its limit of {limit}. Keep up to {limit}{' '}
          devices: the others go back to pending, and can be accepted again after subscribing.
        </Alert>
        <QueryState isLoading={accepted.isPending} error={accepted.error} onRetry={() => void accepted.refetch()}>
          <Checkbox.Group label={`Devices to keep (${picked.length} of at most ${limit})`} value={picked} onChange={setChosen}>
            <Stack gap="xs" mt="xs">
              {(accepted.data?.items ?? []).map((device) => (
                <Checkbox
                  key={device.uid}
                  value={device.uid}
                  label={device.name}
                  disabled={!picked.includes(device.uid) && picked.length >= limit}
                />
              ))}
            </Stack>
          </Checkbox.Group>
        </QueryState>
        <Text size="sm" c="dimmed">
          Ticked first: the devices seen most recently.
        </Text>
        <Button
          w="fit-content"
          disabled={picked.length === 0}
          loading={keep.isPending}
          onClick={() => keep.mutate(picked, { onSuccess: () => notifySuccess('Devices chosen: the others are pending again') })}
        >
          Keep these devices
        </Button>
      </Stack>
    </Card>
  );
}
