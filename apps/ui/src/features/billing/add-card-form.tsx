import { Alert, Box, Button, Group, Stack, Text } from '@mantine/core';
import { useEffect, useRef, useState } from 'react';
import { api, unwrap } from '../../api/client';
import { errorMessage } from '../../api/api-error';
import { loadStripe, type StripeCardElement, type StripeInstance } from './stripe-js';

/**
 * The card form: Stripe's own card field (an iframe from js.stripe.com) turns the card into a payment method at
 * Stripe, and only its id is sent to the API to attach. Card numbers never reach Fleetgate.
 */
export function AddCardForm({ publishableKey, onDone, onCancel }: { publishableKey: string; onDone: () => void; onCancel: () => void }) {
  const mountPoint = useRef<HTMLDivElement>(null);
  const [stripe, setStripe] = useState<{ instance: StripeInstance; card: StripeCardElement } | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [complete, setComplete] = useState(false);
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    let card: StripeCardElement | undefined;
    let cancelled = false;
    loadStripe(publishableKey).then(
      (instance) => {
        if (cancelled || !mountPoint.current) return;
        card = instance.elements().create('card', { hidePostalCode: true });
        card.on('change', (event) => {
          setComplete(event.complete);
          setProblem(event.error?.message ?? null);
        });
        card.mount(mountPoint.current);
        setStripe({ instance, card });
      },
      (error: unknown) => !cancelled && setProblem(errorMessage(error)),
    );
    return () => {
      cancelled = true;
      card?.destroy();
    };
  }, [publishableKey]);

  const save = async () => {
    if (!stripe) return;
    setSaving(true);
    setProblem(null);
    try {
      const created = await stripe.instance.createPaymentMethod({ type: 'card', card: stripe.card });
      if (!created.paymentMethod) throw new Error(created.error?.message ?? 'Stripe did not accept the card');
      await unwrap(api.POST('/api/billing/paymentmethod/attach', { body: { id: created.paymentMethod.id } }));
      onDone();
    } catch (error) {
      setProblem(errorMessage(error));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Stack gap="xs">
      <Text size="sm" fw={600} id="card-field-label">
        Card
      </Text>
      {/* Stripe.js owns this element's content (its iframe): React renders nothing inside it. */}
      <Box ref={mountPoint} role="group" aria-labelledby="card-field-label" p="xs" style={{ border: '1px solid var(--mantine-color-default-border)', borderRadius: 4 }} />
      {!stripe && !problem && (
        <Text size="sm" c="dimmed">
          Loading Stripe’s card field…
        </Text>
      )}
      {problem && (
        <Alert color="red" role="alert">
          {problem}
        </Alert>
      )}
      <Group gap="xs">
        <Button size="xs" onClick={() => void save()} loading={saving} disabled={!stripe || !complete}>
          Save the card
        </Button>
        <Button size="xs" variant="subtle" onClick={onCancel}>
          Cancel
        </Button>
      </Group>
    </Stack>
  );
}
