import { Alert, Badge, Button, Card, Group, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { modals } from '@mantine/modals';
import dayjs from 'dayjs';
import { type ReactNode, useState } from 'react';
import { api, unwrap } from '../../api/client';
import { notifyError, notifySuccess } from '../../ui/form-errors';
import { QueryState } from '../../ui/query-state';
import { useCan } from '../auth/auth-actions';
import { useSession } from '../auth/session-store';
import { useInstanceInfo } from '../devices/device-queries';
import { NoNamespace } from '../namespaces/no-namespace';
import { AddCardForm } from './add-card-form';
import { type BillingNamespace, type Customer, openBillingPortal, useBillingMutation, useBillingNamespace, useCustomer, useSubscription } from './billing-queries';
import { formatAmount, nextBillingStep, planSummary } from './billing-plan';
import { DeviceChoiceCard } from './device-choice-card';

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Stack gap={0}>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text size="sm" component="div">
        {children}
      </Text>
    </Stack>
  );
}

function PlanCard({ namespace }: { namespace: BillingNamespace }) {
  const plan = planSummary(namespace);
  return (
    <Card withBorder>
      <Stack>
        <Group gap="sm">
          <Title order={3} size="h4">
            Plan
          </Title>
          <Badge color={plan.plan === 'paid' ? 'teal.9' : 'gray'} variant={plan.plan === 'paid' ? 'filled' : 'light'} data-testid="billing-plan">
            {plan.plan === 'paid' ? 'Paid plan' : 'Free plan'}
          </Badge>
        </Group>
        <SimpleGrid cols={{ base: 1, xs: 3 }}>
          <Fact label="Subscription">
            <Badge color={plan.attention ? 'orange.9' : 'gray'} variant="outline">
              {plan.status}
            </Badge>
          </Fact>
          <Fact label="Devices">{plan.usage}</Fact>
          <Fact label={plan.status === 'to_cancel_at_end_of_period' ? 'Ends on' : 'Current period ends'}>
            {plan.periodEnd ? dayjs(plan.periodEnd).format('YYYY-MM-DD') : '—'}
          </Fact>
        </SimpleGrid>
        {!plan.canConnect && (
          <Alert color="red" title="Connections are refused" role="alert">
            The namespace has more accepted devices than its plan allows, so the gateway refuses connections to them.
          </Alert>
        )}
        {plan.attention && plan.canConnect && (
          <Alert color="orange" title="The subscription needs attention">
            Stripe reports it as {plan.status.replaceAll('_', ' ')}: check the payment method on Stripe’s billing portal.
          </Alert>
        )}
      </Stack>
    </Card>
  );
}

function PaymentMethods({ tenant, customer, publishableKey }: { tenant: string; customer: Customer; publishableKey: string | null }) {
  const [adding, setAdding] = useState(false);
  const makeDefault = useBillingMutation(tenant, (id: string) => unwrap(api.POST('/api/billing/paymentmethod/default', { body: { id } })));
  const detach = useBillingMutation(tenant, (id: string) => unwrap(api.POST('/api/billing/paymentmethod/detach', { body: { id } })));
  const confirmDetach = (id: string, label: string) =>
    modals.openConfirmModal({
      title: `Remove the card ${label}?`,
      children: <Text size="sm">Stripe stops charging it; invoices need another card.</Text>,
      labels: { confirm: 'Remove the card', cancel: 'Keep it' },
      confirmProps: { color: 'red' },
      onConfirm: () => detach.mutate(id, { onSuccess: () => notifySuccess('Card removed') }),
    });
  return (
    <Stack gap="xs">
      <Text fw={600}>Payment methods</Text>
      {customer.payment_methods.length === 0 ? (
        <Text size="sm" c="dimmed">
          No card yet.
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={420}>
          <Table>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Card</Table.Th>
                <Table.Th>Expires</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {customer.payment_methods.map((method) => {
                const label = `${method.brand} ···· ${method.number}`;
                return (
                  <Table.Tr key={method.id} data-testid="payment-method">
                    <Table.Td>
                      {label}{' '}
                      {method.default && (
                        <Badge size="sm" variant="outline">
                          default
                        </Badge>
                      )}
                    </Table.Td>
                    <Table.Td>
                      {String(method.exp_month).padStart(2, '0')}/{method.exp_year}
                    </Table.Td>
                    <Table.Td>
                      <Group gap={4} justify="flex-end" wrap="nowrap">
                        {!method.default && (
                          <Button
                            size="xs"
                            variant="subtle"
                            loading={makeDefault.isPending}
                            onClick={() => makeDefault.mutate(method.id, { onSuccess: () => notifySuccess('Default card set') })}
                          >
                            Make default
                          </Button>
                        )}
                        <Button size="xs" variant="subtle" color="red" onClick={() => confirmDetach(method.id, label)}>
                          Remove
                        </Button>
                      </Group>
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {publishableKey ? (
        adding ? (
          <AddCardForm
            publishableKey={publishableKey}
            onCancel={() => setAdding(false)}
            onDone={() => {
              setAdding(false);
              notifySuccess('Card added');
            }}
          />
        ) : (
          <Button size="xs" variant="default" w="fit-content" onClick={() => setAdding(true)}>
            Add a card
          </Button>
        )
      ) : (
        <Text size="sm" c="dimmed">
          Cards are added on Stripe’s billing portal.
        </Text>
      )}
    </Stack>
  );
}

function Invoices({ hasSubscription }: { hasSubscription: boolean }) {
  const subscription = useSubscription(hasSubscription);
  if (!hasSubscription) return null;
  return (
    <Stack gap="xs">
      <Text fw={600}>Invoices</Text>
      <QueryState
        isLoading={subscription.isPending}
        error={subscription.error}
        onRetry={() => void subscription.refetch()}
        isEmpty={subscription.data?.invoices.length === 0}
        empty={<Text size="sm" c="dimmed">No invoice yet.</Text>}
      >
        <Table.ScrollContainer minWidth={420}>
          <Table>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Invoice</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th>Amount</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {(subscription.data?.invoices ?? []).map((invoice) => (
                <Table.Tr key={invoice.id} data-testid="invoice">
                  <Table.Td ff="monospace">{invoice.id}</Table.Td>
                  <Table.Td>
                    <Badge variant="outline" color={invoice.status === 'paid' ? 'teal.9' : invoice.status === 'open' ? 'orange.9' : 'gray'}>
                      {invoice.status}
                    </Badge>
                  </Table.Td>
                  <Table.Td>{formatAmount(invoice.amount, invoice.currency)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </QueryState>
    </Stack>
  );
}

/** The owner's side: the customer, cards, subscription and invoices, and the way to Stripe's portal. */
function OwnerBilling({ tenant, namespace, publishableKey }: { tenant: string; namespace: BillingNamespace; publishableKey: string | null }) {
  const hasCustomer = Boolean(namespace.billing?.customer_id);
  const customer = useCustomer(hasCustomer);
  const [leaving, setLeaving] = useState(false);
  const createCustomer = useBillingMutation(tenant, () => unwrap(api.POST('/api/billing/customer', {})));
  const subscribe = useBillingMutation(tenant, () => unwrap(api.POST('/api/billing/subscription', {})));
  const step = nextBillingStep(namespace, customer.data ? customer.data.payment_methods.length : null);
  const portal = () => {
    setLeaving(true);
    openBillingPortal().catch((error: unknown) => {
      setLeaving(false);
      notifyError(error);
    });
  };

  if (step === 'create-customer') {
    return (
      <Card withBorder>
        <Stack align="flex-start">
          <Text size="sm">
            Billing is not set up for this namespace yet. Setting it up creates its customer at Stripe, named after you;
            cards stay with Stripe.
          </Text>
          <Button loading={createCustomer.isPending} onClick={() => createCustomer.mutate(undefined, { onSuccess: () => notifySuccess('Billing set up') })}>
            Set up billing
          </Button>
        </Stack>
      </Card>
    );
  }
  return (
    <Card withBorder>
      <Stack>
        <Group justify="space-between">
          <Title order={3} size="h4">
            Payment
          </Title>
          <Button variant="default" size="xs" loading={leaving} onClick={portal}>
            Manage billing on Stripe
          </Button>
        </Group>
        <QueryState isLoading={customer.isPending} error={customer.error} onRetry={() => void customer.refetch()}>
          {customer.data && (
            <Stack>
              <Text size="sm" c="dimmed">
                Customer {customer.data.name} ({customer.data.email})
              </Text>
              <PaymentMethods tenant={tenant} customer={customer.data} publishableKey={publishableKey} />
            </Stack>
          )}
        </QueryState>
        {customer.data && step !== 'manage' && (
          <Stack gap="xs" align="flex-start">
            <Text size="sm">
              The paid plan lifts the device limit. Subscribing charges the default card at once.
            </Text>
            <Button
              disabled={step !== 'subscribe'}
              loading={subscribe.isPending}
              onClick={() => subscribe.mutate(undefined, { onSuccess: () => notifySuccess('Subscribed to the paid plan') })}
            >
              Subscribe to the paid plan
            </Button>
            {step === 'add-card' && (
              <Text size="xs" c="dimmed">
                Add a card first.
              </Text>
            )}
          </Stack>
        )}
        <Invoices hasSubscription={Boolean(namespace.billing?.subscription_id)} />
      </Stack>
    </Card>
  );
}

export function BillingPage() {
  const session = useSession();
  const tenant = session?.tenant ?? '';
  const info = useInstanceInfo();
  const namespace = useBillingNamespace(tenant);
  const isOwner = useCan('billing:manage');
  if (!tenant) return <NoNamespace />;
  const billing = info.data?.billing;
  return (
    <Stack>
      <Title order={2}>Billing</Title>
      <QueryState
        isLoading={info.isPending || namespace.isPending}
        error={info.error ?? namespace.error}
        onRetry={() => void Promise.all([info.refetch(), namespace.refetch()])}
        isEmpty={!billing?.enabled}
        empty={<Text c="dimmed">Billing is not enabled on this deployment: device limits come from its configuration.</Text>}
      >
        {namespace.data && (
          <Stack>
            <PlanCard namespace={namespace.data} />
            {isOwner ? (
              <>
                {namespace.data.max_devices >= 0 && namespace.data.device_count > namespace.data.max_devices && (
                  <DeviceChoiceCard tenant={tenant} limit={namespace.data.max_devices} />
                )}
                <OwnerBilling tenant={tenant} namespace={namespace.data} publishableKey={billing?.publishable_key ?? null} />
              </>
            ) : (
              <Text size="sm" c="dimmed">
                Only the namespace’s owner manages billing.
              </Text>
            )}
          </Stack>
        )}
      </QueryState>
    </Stack>
  );
}
