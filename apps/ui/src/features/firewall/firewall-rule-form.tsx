import { Button, Group, NumberInput, SegmentedControl, Stack, Switch, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { api, unwrap } from '../../api/client';
import { DeviceFilterInput, type DeviceSelector, deviceSelectorProblem } from '../../ui/device-filter-input';
import { notifySuccess, showApiErrors } from '../../ui/form-errors';
import { useTagNames } from '../devices/device-queries';

function patternProblem(value: string): string | null {
  try {
    new RegExp(value);
    return null;
  } catch {
    return 'not a valid regular expression';
  }
}

export function FirewallRuleForm({ nextPriority, onDone }: { nextPriority: number; onDone: () => void }) {
  const tagNames = useTagNames();
  const form = useForm({
    initialValues: {
      action: 'deny' as 'allow' | 'deny',
      active: true,
      priority: nextPriority,
      source_ip: '.*',
      username: '.*',
      filter: { hostname: '.*' } as DeviceSelector,
    },
    validate: {
      priority: (value) => (Number.isInteger(value) && value >= 0 && value <= 1_000_000 ? null : 'a whole number from 0'),
      source_ip: patternProblem,
      username: patternProblem,
      filter: deviceSelectorProblem,
    },
  });
  // A new rule goes last by default: follow the list as rules are added (only when the last priority changes).
  const { setFieldValue } = form;
  const [followed, setFollowed] = useState(nextPriority);
  useEffect(() => {
    if (followed === nextPriority) return;
    setFollowed(nextPriority);
    setFieldValue('priority', nextPriority);
  }, [followed, nextPriority, setFieldValue]);
  const create = useMutation({
    mutationFn: (values: typeof form.values) => unwrap(api.POST('/api/firewall/rules', { body: values })),
  });
  return (
    <form
      noValidate
      onSubmit={form.onSubmit((values) =>
        create.mutate(values, {
          onSuccess: () => (form.reset(), notifySuccess('Firewall rule added'), onDone()),
          onError: (error) => showApiErrors(form, error),
        }),
      )}
    >
      <Stack>
        <Group align="flex-end">
          <Stack gap={4}>
            <Text size="sm" fw={500}>
              Action
            </Text>
            <SegmentedControl
              aria-label="Action"
              data={[
                { value: 'allow', label: 'Allow' },
                { value: 'deny', label: 'Deny' },
              ]}
              {...form.getInputProps('action')}
            />
          </Stack>
          <NumberInput label="Priority" description="Lower runs first" w={140} min={0} {...form.getInputProps('priority')} />
          <Switch label="Active" {...form.getInputProps('active', { type: 'checkbox' })} />
        </Group>
        <Group grow align="flex-start" preventGrowOverflow={false} wrap="wrap">
          <TextInput label="Source address pattern" description="Regular expression on the client address" miw={200} {...form.getInputProps('source_ip')} />
          <TextInput label="Username pattern" description="Regular expression on the device login name" miw={200} {...form.getInputProps('username')} />
        </Group>
        <DeviceFilterInput
          value={form.values.filter}
          onChange={(filter) => form.setFieldValue('filter', filter)}
          error={form.errors['filter']}
          tagChoices={tagNames.data ?? []}
        />
        <Button type="submit" loading={create.isPending} w="fit-content">
          Add the rule
        </Button>
      </Stack>
    </form>
  );
}
