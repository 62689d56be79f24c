import { Stack, Title } from '@mantine/core';
import { useSession } from '../auth/session-store';
import { NoNamespace } from '../namespaces/no-namespace';
import { ApiKeysCard } from './api-keys-card';
import { MembersCard } from './members-card';
import { SessionRecordingCard } from './session-recording-card';

export function NamespaceSettingsPage() {
  const session = useSession();
  if (!session?.tenant) return <NoNamespace />;
  return (
    <Stack>
      <Title order={2}>Namespace settings</Title>
      <SessionRecordingCard tenant={session.tenant} />
      <MembersCard tenant={session.tenant} />
      <ApiKeysCard />
    </Stack>
  );
}
