import { Button, Card, Stack, Text, Title } from '@mantine/core';
import { Link } from 'react-router-dom';

/** What pages about a namespace show to someone who belongs to none yet. */
export function NoNamespace() {
  return (
    <Card withBorder maw={520}>
      <Stack>
        <Title order={2} size="h4">
          You have no namespace yet
        </Title>
        <Text size="sm">
          A namespace holds your devices, keys and rules, and the people you share them with. Create one, or accept an
          invitation from its e-mail.
        </Text>
        <Button component={Link} to="/namespaces" w="fit-content">
          Create a namespace
        </Button>
      </Stack>
    </Card>
  );
}
