import { useQuery } from '@tanstack/react-query';
import { api } from '../../api/client';
import { useSession } from '../auth/session-store';

/**
 * Whether the signed-in person may use `/admin/api`: the login answer does not say (the ShellHub contract has no
 * such field), so the UI asks an admin route once per session and hides the admin pages when it is refused. A
 * person outside ADMIN_ALLOWED_CLIENTS is refused too, which is right: the pages would not work for them.
 */
export function useInstanceAdmin(): boolean {
  const token = useSession()?.token;
  const probe = useQuery({
    queryKey: ['instance-admin', token],
    enabled: Boolean(token),
    staleTime: Infinity,
    retry: false,
    queryFn: async () => (await api.GET('/admin/api/settings', {})).response.ok,
  });
  return probe.data === true;
}
