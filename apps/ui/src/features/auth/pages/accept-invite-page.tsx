import { Alert, Button, Loader, Stack, Text } from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { Link, useLocation, useNavigate, useSearchParams } from 'react-router-dom';
import { api, unwrap } from '../../../api/client';
import { errorMessage } from '../../../api/api-error';
import { switchNamespace } from '../auth-actions';
import { useSession } from '../session-store';
import { AuthCard } from './auth-card';

/** Where an invitation e-mail's link lands: `/accept-invite?tenant-id=…&user-id=…&sig=…`. */
export function AcceptInvitePage() {
  const [params] = useSearchParams();
  const location = useLocation();
  const navigate = useNavigate();
  const session = useSession();
  const tenant = params.get('tenant-id') ?? '';
  const userId = params.get('user-id') ?? '';
  const sig = params.get('sig') ?? '';
  const complete = tenant !== '' && userId !== '' && sig !== '';

  const lookup = useQuery({
    queryKey: ['invitation', tenant, userId, sig],
    enabled: complete,
    retry: false,
    queryFn: () =>
      unwrap(
        api.GET('/api/namespaces/{tenant}/members/{id}/accept-invite', {
          params: { path: { tenant, id: userId }, query: { sig } },
        }),
      ),
  });
  const accept = useMutation({
    mutationFn: async () => {
      await unwrap(api.PATCH('/api/namespaces/{tenant}/members/accept-invite', { params: { path: { tenant } }, body: { sig } }));
      await switchNamespace(tenant);
    },
    onSuccess: () => navigate('/', { replace: true }),
  });

  if (!complete) {
    return (
      <AuthCard title="Join a namespace">
        <Alert color="red" role="alert">
          This link is incomplete: open the link from the e-mail again, whole.
        </Alert>
      </AuthCard>
    );
  }
  const here = `${location.pathname}${location.search}`;
  return (
    <AuthCard title="Join a namespace">
      {lookup.isPending && <Loader size="sm" aria-label="Checking the invitation" />}
      {lookup.isError && (
        <Alert color="red" role="alert">
          {errorMessage(lookup.error)}
        </Alert>
      )}
      {lookup.data?.status === 'invited' && (
        <Stack>
          <Text>You were invited to a namespace. Create your account to join it.</Text>
          <Button component={Link} to={`/sign-up?sig=${encodeURIComponent(sig)}`}>
            Create your account
          </Button>
        </Stack>
      )}
      {lookup.isSuccess && lookup.data?.status !== 'invited' && !session && (
        <Stack>
          <Text>Sign in as the invited account to accept the invitation.</Text>
          <Button component={Link} to={`/login?next=${encodeURIComponent(here)}`}>
            Sign in to accept
          </Button>
        </Stack>
      )}
      {lookup.isSuccess && lookup.data?.status !== 'invited' && session && (
        <Stack>
          <Text>
            Signed in as <b>{session.user}</b>. Accepting adds this account to the namespace with the role you were invited
            with.
          </Text>
          {accept.isError && (
            <Alert color="red" role="alert">
              {errorMessage(accept.error)}
            </Alert>
          )}
          <Button onClick={() => accept.mutate()} loading={accept.isPending}>
            Accept the invitation
          </Button>
        </Stack>
      )}
    </AuthCard>
  );
}
