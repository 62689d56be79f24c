import { Badge } from '@mantine/core';

export function OnlineBadge({ online }: { online: boolean }) {
  return (
    <Badge color={online ? 'teal' : 'gray'} variant="light" size="sm">
      {online ? 'online' : 'offline'}
    </Badge>
  );
}
