import { Alert, List, Stack, Text } from '@mantine/core';
import { useSession } from '../../auth/session-store';
import { CopyField } from '../../../ui/copy-field';
import { useInstanceInfo } from '../device-queries';

/** The agent command for this namespace; `apiOrigin` is where agents reach the API (the UI's own origin proxies it). */
export function agentCommand(apiOrigin: string, tenantId: string): string {
  return [
    'fleetgate-agent',
    `  --server ${apiOrigin}`,
    `  --tenant-id ${tenantId}`,
    '  --private-key /var/lib/fleetgate-agent/agent.key',
  ].join(' \\\n');
}

export function AddDevicePanel() {
  const session = useSession();
  const info = useInstanceInfo();
  const apiEndpoint = info.data?.endpoints?.api;
  const origin = apiEndpoint ? `${globalThis.location.protocol}//${apiEndpoint}` : globalThis.location.origin;
  if (!session?.tenant) return <Alert color="yellow">Create or choose a namespace first.</Alert>;
  return (
    <Stack>
      <Text>Run the agent on the device; it registers with this namespace and appears under Pending.</Text>
      <CopyField label="agent command" value={agentCommand(origin, session.tenant)} />
      <List size="sm" spacing={4}>
        <List.Item>The key file is created on first start; keep it: it is the device's identity.</List.Item>
        <List.Item>Add <code>--hostname NAME</code> to choose the device's name.</List.Item>
        <List.Item>Then accept the device in the Pending tab; only accepted devices can be reached.</List.Item>
      </List>
    </Stack>
  );
}
