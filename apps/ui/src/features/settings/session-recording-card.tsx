import { Card, Switch, Text } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import { notifyError } from '../../ui/form-errors';
import { useCan } from '../auth/auth-actions';

export function SessionRecordingCard({ tenant }: { tenant: string }) {
  const canChange = useCan('namespace:update');
  const queryClient = useQueryClient();
  const recording = useQuery({ queryKey: ['session-recording', tenant], queryFn: () => unwrap(api.GET('/api/users/security', {})) });
  const save = useMutation({
    mutationFn: (session_record: boolean) =>
      unwrap(api.PUT('/api/users/security/{tenant}', { params: { path: { tenant } }, body: { session_record } })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: ['session-recording', tenant] }),
    onError: notifyError,
  });
  return (
    <Card withBorder>
      <Switch
        label="Record sessions"
        description="Keep what people type and see in SSH sessions on this namespace's devices, to replay later."
        checked={Boolean(recording.data)}
        disabled={!canChange || recording.isPending || save.isPending}
        onChange={(event) => save.mutate(event.currentTarget.checked)}
      />
      {!canChange && (
        <Text size="xs" c="dimmed" mt="xs">
          Only administrators and the owner change this.
        </Text>
      )}
    </Card>
  );
}
