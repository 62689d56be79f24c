import { Alert, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { ApiError, api, unwrap } from '../../api/client';
import { QueryState } from '../../ui/query-state';
import { GatewaySettingsForm } from './gateway-settings-form';
import { gatewaySettingsQueryKey } from './gateway-settings-values';

/** Instance administration: the settings every gateway process applies to new connections (`/admin/api/settings`). */
export function GatewaySettingsPage() {
  const settings = useQuery({
    queryKey: gatewaySettingsQueryKey,
    queryFn: () => unwrap(api.GET('/admin/api/settings', {})),
  });
  const refused = settings.error instanceof ApiError && settings.error.status === 403 ? settings.error : null;
  return (
    <Stack>
      <Title order={2}>Gateway settings</Title>
      <Text c="dimmed" size="sm">
        These apply to every namespace, on every gateway process, from the next connection on; open sessions keep the
        settings they started with.
      </Text>
      {refused ? (
        <Alert color="gray" title="Instance administrators only" role="alert">
          <Text size="sm">{refused.message}</Text>
        </Alert>
      ) : (
        <QueryState isLoading={settings.isPending} error={settings.error} onRetry={() => void settings.refetch()}>
          {settings.data && <GatewaySettingsForm settings={settings.data} />}
        </QueryState>
      )}
    </Stack>
  );
}
