import { Alert, Anchor, Stack, Title } from '@mantine/core';
import { Link, useParams } from 'react-router-dom';

export function TerminalPage() {
  const { uid = '' } = useParams();
  return (
    <Stack>
      <Title order={2}>Terminal</Title>
      <Alert color="gray">
        The web terminal is not part of this build yet. Reach the device with <code>ssh</code> meanwhile:{' '}
        <Anchor component={Link} to={`/devices/${encodeURIComponent(uid)}`}>
          its page
        </Anchor>{' '}
        shows the command.
      </Alert>
    </Stack>
  );
}
