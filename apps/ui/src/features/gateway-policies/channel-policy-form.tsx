import { Button, Checkbox, Fieldset, Group, NumberInput, SimpleGrid, Stack, Switch, Textarea, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import { DeviceFilterInput, deviceSelectorProblem } from '../../ui/device-filter-input';
import { notifySuccess, showApiErrors } from '../../ui/form-errors';
import { useTagNames } from '../devices/device-queries';
import {
  type ChannelPolicy,
  type ChannelPolicyValues,
  channelSwitches,
  destinationsProblem,
  newPolicyValues,
  patternsProblem,
  policyRequest,
  policyValues,
} from './channel-policy-values';

function usernameProblem(value: string): string | null {
  try {
    new RegExp(value);
    return null;
  } catch {
    return 'not a valid regular expression';
  }
}

/** Creates a policy, or replaces `policy` when given. */
export function ChannelPolicyForm({
  policy,
  nextPriority,
  onDone,
}: {
  policy?: ChannelPolicy;
  nextPriority: number;
  onDone: () => void;
}) {
  const tagNames = useTagNames();
  const form = useForm<ChannelPolicyValues>({
    initialValues: policy ? policyValues(policy) : newPolicyValues(nextPriority),
    validate: {
      name: (value) => (value.trim().length >= 1 && value.trim().length <= 64 ? null : '1 to 64 characters'),
      priority: (value) => (Number.isInteger(value) && value >= 0 && value <= 1_000_000 ? null : 'a whole number from 0'),
      username: usernameProblem,
      filter: deviceSelectorProblem,
      exec_commands: patternsProblem,
      destinations: destinationsProblem,
    },
  });
  const save = useMutation({
    mutationFn: (values: ChannelPolicyValues) => {
      const body = policyRequest(values);
      return policy
        ? unwrap(api.PUT('/api/gateway/channel-policies/{id}', { params: { path: { id: policy.id } }, body }))
        : unwrap(api.POST('/api/gateway/channel-policies', { body }));
    },
  });
  const { channels } = form.values;
  return (
    <form
      noValidate
      onSubmit={form.onSubmit((values) =>
        save.mutate(values, {
          onSuccess: () => (notifySuccess(policy ? 'Channel policy saved' : 'Channel policy added'), onDone()),
          onError: (error) =>
            showApiErrors(form, error, {
              'channels.exec_commands': 'exec_commands',
              'channels.subsystem_names': 'subsystem_names',
              'channels.local_forwarding_destinations': 'destinations',
            }),
        }),
      )}
    >
      <Stack>
        <Group align="flex-start" grow preventGrowOverflow={false} wrap="wrap">
          <TextInput label="Name" required miw={180} {...form.getInputProps('name')} />
          <NumberInput label="Priority" description="Lower is checked first" min={0} maw={160} {...form.getInputProps('priority')} />
        </Group>
        <Switch label="Active" {...form.getInputProps('active', { type: 'checkbox' })} />
        <TextInput
          label="Device login pattern"
          description="A regular expression on the login name used on the device; empty covers every login"
          placeholder="^operator$"
          {...form.getInputProps('username')}
        />
        <DeviceFilterInput
          value={form.values.filter}
          onChange={(filter) => form.setFieldValue('filter', filter)}
          error={form.errors['filter']}
          tagChoices={tagNames.data ?? []}
        />
        <Fieldset legend="Allowed channels">
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="xs">
            {channelSwitches.map(({ key, label }) => (
              <Checkbox key={key} label={label} {...form.getInputProps(`channels.${key}`, { type: 'checkbox' })} />
            ))}
          </SimpleGrid>
        </Fieldset>
        {channels.exec && (
          <Textarea
            label="Allowed commands"
            description="One pattern a line, matched against the whole command; empty allows every command"
            placeholder={'uptime\nsystemctl status [a-z-]+'}
            autosize
            minRows={2}
            ff="monospace"
            {...form.getInputProps('exec_commands')}
          />
        )}
        {channels.subsystem && (
          <Textarea
            label="Allowed subsystems"
            description="One name a line (sftp is its own switch); empty allows every subsystem"
            autosize
            minRows={1}
            {...form.getInputProps('subsystem_names')}
          />
        )}
        {channels.local_forwarding && (
          <Textarea
            label="Allowed forwarding destinations"
            description="One a line: an address or host name, or a network, with an optional port (10.0.0.0/8, db.internal:5432, [fd00::1]:22); empty allows every destination"
            autosize
            minRows={2}
            ff="monospace"
            {...form.getInputProps('destinations')}
          />
        )}
        <Group justify="flex-end">
          <Button type="submit" loading={save.isPending}>
            {policy ? 'Save the policy' : 'Add the policy'}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
