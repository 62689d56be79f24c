import { Alert, Button, Center, Loader, Stack, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { errorMessage } from '../api/api-error';

/** The loading, error and empty states every page shows the same way; children render only with data. */
export function QueryState({
  isLoading,
  error,
  isEmpty = false,
  empty,
  onRetry,
  children,
}: {
  isLoading: boolean;
  error: unknown;
  isEmpty?: boolean;
  empty?: ReactNode;
  onRetry?: () => void;
  children: ReactNode;
}) {
  if (isLoading) {
    return (
      <Center py="xl" role="status" aria-live="polite">
        <Loader size="sm" aria-label="Loading" />
      </Center>
    );
  }
  if (error) {
    return (
      <Alert color="red" title="Could not load this" role="alert">
        <Stack gap="xs" align="flex-start">
          <Text size="sm">{errorMessage(error)}</Text>
          {onRetry && (
            <Button size="xs" variant="light" color="red" onClick={onRetry}>
              Try again
            </Button>
          )}
        </Stack>
      </Alert>
    );
  }
  if (isEmpty) return <>{empty ?? <Text c="dimmed">Nothing here yet.</Text>}</>;
  return <>{children}</>;
}
