import { Badge, Group } from '@mantine/core';
import type { Session } from '../session-queries';

/** Live or ended, and whether the login got through. */
export function SessionBadges({ session }: { session: Pick<Session, 'active' | 'authenticated' | 'recorded'> }) {
  return (
    <Group gap={4} wrap="nowrap">
      <Badge color={session.active ? 'green' : 'gray'} variant={session.active ? 'filled' : 'light'}>
        {session.active ? 'active' : 'closed'}
      </Badge>
      <Badge color={session.authenticated ? 'blue' : 'red'} variant="light">
        {session.authenticated ? 'authenticated' : 'failed login'}
      </Badge>
      {session.recorded && (
        <Badge color="grape" variant="light">
          recorded
        </Badge>
      )}
    </Group>
  );
}
