import { Badge, Group } from '@mantine/core';
import type { Session } from '../session-queries';

/** Live or ended, and whether the login got through. Dot badges keep the text in the body colour (AA contrast). */
export function SessionBadges({ session }: { session: Pick<Session, 'active' | 'authenticated' | 'recorded'> }) {
  return (
    <Group gap={4} wrap="nowrap">
      <Badge color={session.active ? 'green' : 'gray'} variant="dot">
        {session.active ? 'active' : 'closed'}
      </Badge>
      <Badge color={session.authenticated ? 'blue' : 'red'} variant="dot">
        {session.authenticated ? 'authenticated' : 'failed login'}
      </Badge>
      {session.recorded && (
        <Badge color="grape" variant="dot">
          recorded
        </Badge>
      )}
    </Group>
  );
}
