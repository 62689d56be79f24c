import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import { useSession } from '../auth/session-store';

/**
 * Whether the signed-in person is an instance administrator. Nothing in the login says so (the flag is not a
 * namespace role), so the UI asks the one thing only administrators may read: the gateway status. The API decides on
 * every admin route regardless; a refusal (403: not an administrator, or not from an allowed admin address) just
 * hides the admin pages.
 */
export function useInstanceAdmin(): { isAdmin: boolean; isPending: boolean } {
  const user = useSession()?.id ?? '';
  const probe = useQuery({
    queryKey: ['admin', 'status', user],
    enabled: user !== '',
    retry: false,
    staleTime: 5 * 60_000,
    queryFn: () => unwrap(api.GET('/admin/api/status', {})),
  });
  return { isAdmin: probe.isSuccess, isPending: user !== '' && probe.isPending };
}
