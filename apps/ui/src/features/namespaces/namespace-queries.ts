import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api, type Schemas, unwrapPage } from '../../api/client';
import { switchNamespace } from '../auth/auth-actions';

export type Namespace = Schemas['NamespaceDto'];

export function useNamespaces() {
  return useQuery({
    queryKey: ['namespaces'],
    queryFn: () => unwrapPage(api.GET('/api/namespaces', { params: { query: { per_page: 100 } } })),
  });
}

/** Swaps the token for `tenant`'s, then refetches everything: every cached answer belonged to the old namespace. */
export function useSwitchNamespace() {
  const queryClient = useQueryClient();
  return async (tenant: string) => {
    await switchNamespace(tenant);
    await queryClient.resetQueries();
  };
}
