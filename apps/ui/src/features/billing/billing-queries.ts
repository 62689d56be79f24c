import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, type Schemas, unwrap } from '../../api/client';
import { notifyError } from '../../ui/form-errors';

export type BillingNamespace = Schemas['NamespaceDto'];
export type Customer = Schemas['CustomerDto'];
export type Subscription = Schemas['SubscriptionDto'];

export function useBillingNamespace(tenant: string) {
  return useQuery({
    queryKey: ['namespace', tenant],
    enabled: tenant !== '',
    queryFn: () => unwrap(api.GET('/api/namespaces/{tenant}', { params: { path: { tenant } } })),
  });
}

export function useCustomer(enabled: boolean) {
  return useQuery({ queryKey: ['billing', 'customer'], enabled, queryFn: () => unwrap(api.GET('/api/billing/customer', {})) });
}

export function useSubscription(enabled: boolean) {
  return useQuery({
    queryKey: ['billing', 'subscription'],
    enabled,
    queryFn: () => unwrap(api.GET('/api/billing/subscription', {})),
  });
}

/** A billing write; afterwards the namespace (plan, limit) and every billing answer are read again. */
export function useBillingMutation<T>(tenant: string, mutationFn: (input: T) => Promise<unknown>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn,
    onError: notifyError,
    onSettled: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: ['namespace', tenant] }),
        queryClient.invalidateQueries({ queryKey: ['billing'] }),
        queryClient.invalidateQueries({ queryKey: ['devices'] }),
      ]),
  });
}

/** Leaving the app for Stripe's pages; an object so that tests can watch it (jsdom cannot navigate away). */
export const stripeRedirect = { assign: (url: string) => globalThis.location.assign(url) };

/** Sends the browser to Stripe's billing portal; Stripe sends it back to /billing (PUBLIC_UI_URL). */
export async function openBillingPortal(): Promise<void> {
  const { url } = await unwrap(api.POST('/api/billing/portal', {}));
  stripeRedirect.assign(url);
}
