import { Alert, Button, Loader, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link, useSearchParams } from 'react-router-dom';
import { api, unwrap } from '../../../api/client';
import { errorMessage } from '../../../api/api-error';
import { AuthCard } from './auth-card';

/** Where the sign-up e-mail's link lands: `/validation-account?email=…&token=…`. */
export function ValidationAccountPage() {
  const [params] = useSearchParams();
  const email = params.get('email') ?? '';
  const token = params.get('token') ?? '';
  const confirmation = useQuery({
    queryKey: ['validation-account', email, token],
    enabled: email !== '' && token !== '',
    retry: false,
    staleTime: Infinity,
    // TanStack Query refuses undefined data, and the API may answer an empty 200.
    queryFn: () =>
      unwrap(api.GET('/api/user/validation_account', { params: { query: { email, token } } })).then(() => true),
  });

  if (!email || !token) {
    return (
      <AuthCard title="Confirm your account">
        <Alert color="red" role="alert">
          This link is incomplete: open the link from the e-mail again, whole.
        </Alert>
      </AuthCard>
    );
  }
  return (
    <AuthCard title="Confirm your account">
      {confirmation.isPending && <Loader size="sm" aria-label="Confirming" />}
      {confirmation.isError && (
        <Alert color="red" role="alert">
          {errorMessage(confirmation.error)}
        </Alert>
      )}
      {confirmation.isSuccess && <Text role="status">Your account is confirmed. You can sign in now.</Text>}
      <Button component={Link} to="/login" variant={confirmation.isSuccess ? 'filled' : 'light'}>
        Sign in
      </Button>
    </AuthCard>
  );
}
