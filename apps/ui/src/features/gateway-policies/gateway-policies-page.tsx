import { Stack, Text, Title } from '@mantine/core';
import { useSession } from '../auth/session-store';
import { NoNamespace } from '../namespaces/no-namespace';
import { AuthenticationPolicyCard } from './authentication-policy-card';
import { ChannelPoliciesCard } from './channel-policies-card';

/** The namespace's SSH gateway policies (docs/gateway-policies.md): how people log in, and what they may open. */
export function GatewayPoliciesPage() {
  const session = useSession();
  if (!session?.tenant) return <NoNamespace />;
  return (
    <Stack>
      <Title order={2}>Gateway policies</Title>
      <Text c="dimmed" size="sm">
        What the SSH gateway lets people do on this namespace&apos;s devices. Changes apply to new connections.
      </Text>
      <AuthenticationPolicyCard />
      <ChannelPoliciesCard />
    </Stack>
  );
}
