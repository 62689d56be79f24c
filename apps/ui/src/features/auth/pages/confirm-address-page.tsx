import { Alert, Button, Loader, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link, useSearchParams } from 'react-router-dom';
import { api, unwrap } from '../../../api/client';
import { errorMessage } from '../../../api/api-error';
import { AuthCard } from './auth-card';

/** Where a new e-mail or recovery address is confirmed: `/confirm-address?token=…`. */
export function ConfirmAddressPage() {
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const confirmation = useQuery({
    queryKey: ['confirm-address', token],
    enabled: token !== '',
    retry: false,
    staleTime: Infinity,
    // TanStack Query refuses undefined data, and the API answers an empty 200.
    queryFn: () => unwrap(api.POST('/api/user/confirm_address', { body: { token } })).then(() => true),
  });
  return (
    <AuthCard title="Confirm your address">
      {!token && (
        <Alert color="red" role="alert">
          This link is incomplete: open the link from the e-mail again, whole.
        </Alert>
      )}
      {confirmation.isFetching && <Loader size="sm" aria-label="Confirming" />}
      {confirmation.isError && (
        <Alert color="red" role="alert">
          {errorMessage(confirmation.error)}
        </Alert>
      )}
      {confirmation.isSuccess && <Text role="status">The new address is confirmed and in use.</Text>}
      <Button component={Link} to="/profile" variant="light">
        Go to your profile
      </Button>
    </AuthCard>
  );
}
