import {
  Button,
  Card,
  Group,
  List,
  NumberInput,
  SegmentedControl,
  Select,
  SimpleGrid,
  Stack,
  TagsInput,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { modals } from '@mantine/modals';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { api, unwrap } from '../../api/client';
import { notifySuccess, showApiErrors } from '../../ui/form-errors';
import {
  clientEntriesProblem,
  type GatewaySettings,
  gatewaySettingsQueryKey,
  type GatewaySettingsValues,
  riskyChanges,
  settingsRequest,
  settingsValues,
} from './gateway-settings-values';

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Card withBorder>
      <Stack>
        <Title order={3} size="h4">
          {title}
        </Title>
        {children}
      </Stack>
    </Card>
  );
}

const algorithmsHelp = 'Empty offers the gateway’s defaults. A name the gateway does not implement is refused with the list of those it does.';

export function GatewaySettingsForm({ settings }: { settings: GatewaySettings }) {
  const queryClient = useQueryClient();
  const form = useForm<GatewaySettingsValues>({
    initialValues: settingsValues(settings),
    validate: {
      allowed_clients: clientEntriesProblem,
      blocked_clients: clientEntriesProblem,
      server_version: (value) => (/^[\x21-\x2c\x2e-\x7e]{1,200}$/.test(value) ? null : 'printable characters, without spaces or "-"'),
    },
  });
  const save = useMutation({
    mutationFn: (body: GatewaySettings) => unwrap(api.PUT('/admin/api/settings', { body })),
    onSuccess: (saved) => {
      queryClient.setQueryData(gatewaySettingsQueryKey, saved);
      form.setInitialValues(settingsValues(saved));
      form.setValues(settingsValues(saved));
      form.resetDirty(settingsValues(saved));
      notifySuccess('Gateway settings saved: new connections use them');
    },
    onError: (error) => showApiErrors(form, error),
  });
  const submit = (values: GatewaySettingsValues) => {
    const body = settingsRequest(values);
    const risks = riskyChanges(settings, body);
    if (risks.length === 0) return save.mutate(body);
    modals.openConfirmModal({
      title: 'Save settings that can refuse clients?',
      children: (
        <List size="sm" spacing={4}>
          {risks.map((risk) => (
            <List.Item key={risk}>{risk}</List.Item>
          ))}
        </List>
      ),
      labels: { confirm: 'Save them', cancel: 'Go back' },
      confirmProps: { color: 'orange' },
      onConfirm: () => save.mutate(body),
    });
  };
  const seconds = { min: 0, allowDecimal: false, suffix: ' s' } as const;

  return (
    <form noValidate onSubmit={form.onSubmit(submit)}>
      <Stack>
        <Section title="What clients see">
          <Textarea label="Banner" description="Shown before authentication; empty shows none" autosize minRows={2} {...form.getInputProps('user_auth_banner')} />
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextInput label="Greeting" description="A line sent before the SSH version; empty sends none" {...form.getInputProps('greeting')} />
            <TextInput label="Server version" description="The software name in the SSH identification string" {...form.getInputProps('server_version')} />
          </SimpleGrid>
        </Section>
        <Section title="Limits">
          <SimpleGrid cols={{ base: 1, sm: 3 }}>
            <NumberInput label="Idle session timeout" description="Without channel data; 0 never" {...seconds} {...form.getInputProps('idle_session_timeout')} />
            <NumberInput label="Maximum connections" description="Per gateway process; 0 unlimited" min={0} allowDecimal={false} {...form.getInputProps('max_connections')} />
            <NumberInput label="Authentication attempts" description="Per connection" min={1} max={100} allowDecimal={false} {...form.getInputProps('auth_max_attempts')} />
          </SimpleGrid>
        </Section>
        <Section title="Client addresses">
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <NumberInput
              label="Block an address after"
              description="Failed logins (wrong password, signature or code) within the duration; 0 never blocks"
              min={0}
              allowDecimal={false}
              suffix=" failures"
              {...form.getInputProps('auto_block_max_auth_attempts')}
            />
            <NumberInput label="Block duration" description="Every gateway process refuses the address meanwhile" {...seconds} min={1} {...form.getInputProps('auto_block_duration')} />
            <Textarea
              label="Allowed clients"
              description="Addresses or networks, one a line; empty allows every address"
              autosize
              minRows={2}
              ff="monospace"
              {...form.getInputProps('allowed_clients')}
            />
            <Textarea label="Blocked clients" description="Addresses or networks, one a line" autosize minRows={2} ff="monospace" {...form.getInputProps('blocked_clients')} />
          </SimpleGrid>
        </Section>
        <Section title="Algorithms and key exchange">
          <Text size="sm" c="dimmed">
            {algorithmsHelp}
          </Text>
          <TagsInput label="Ciphers" placeholder="aes256-gcm@openssh.com" clearable {...form.getInputProps('encryption_algorithms')} />
          <TagsInput label="Key exchanges" placeholder="curve25519-sha256" clearable {...form.getInputProps('key_exchange_algorithms')} />
          <TagsInput label="MACs" placeholder="hmac-sha2-256-etm@openssh.com" clearable {...form.getInputProps('mac_algorithms')} />
          <NumberInput
            label="Key re-exchange threshold"
            description="Bytes between key re-exchanges; 0 leaves it to clients"
            min={0}
            allowDecimal={false}
            thousandSeparator=" "
            {...form.getInputProps('key_renegotiation_threshold')}
          />
          <Stack gap={4}>
            <Text size="sm" fw={500} id="strict-kex-label">
              Strict key exchange (Terrapin, CVE-2023-48795)
            </Text>
            <SegmentedControl
              aria-labelledby="strict-kex-label"
              w="fit-content"
              data={[
                { value: 'off', label: 'Off' },
                { value: 'on', label: 'On' },
                { value: 'required', label: 'Required' },
              ]}
              {...form.getInputProps('strict_key_exchange')}
            />
            <Text size="xs" c="dimmed">
              On: used with every client that offers it. Required: clients that do not offer it are refused.
            </Text>
          </Stack>
        </Section>
        <Section title="Logging">
          <Select
            label="Log level"
            w={200}
            allowDeselect={false}
            data={['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']}
            {...form.getInputProps('log_level')}
          />
        </Section>
        <Group>
          <Button type="submit" loading={save.isPending} disabled={!form.isDirty()}>
            Save the settings
          </Button>
          <Button variant="default" disabled={!form.isDirty() || save.isPending} onClick={() => form.reset()}>
            Undo changes
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
