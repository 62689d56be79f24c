import type { ReactNode } from 'react';
import { SegmentedControl, Stack, TagsInput, Text, TextInput } from '@mantine/core';

/** Which devices a public key or firewall rule covers, as the API takes it: a hostname pattern or 1 to 3 tags. */
export interface DeviceSelector {
  hostname?: string;
  tags?: string[];
}

export const tagPattern = /^[a-zA-Z0-9]{3,255}$/;

export function deviceSelectorProblem(selector: DeviceSelector): string | null {
  if (selector.tags !== undefined) {
    if (selector.tags.length < 1 || selector.tags.length > 3) return 'choose 1 to 3 tags';
    const bad = selector.tags.find((tag) => !tagPattern.test(tag));
    return bad ? `"${bad}": a tag is 3 to 255 letters or digits` : null;
  }
  const pattern = selector.hostname ?? '';
  if (pattern === '') return 'a hostname pattern is required (.* for every device)';
  try {
    new RegExp(pattern);
    return null;
  } catch {
    return 'not a valid regular expression';
  }
}

export function DeviceFilterInput({
  value,
  onChange,
  error,
  tagChoices,
}: {
  value: DeviceSelector;
  onChange: (value: DeviceSelector) => void;
  error?: ReactNode;
  tagChoices: string[];
}) {
  const byTags = value.tags !== undefined;
  return (
    <Stack gap={6}>
      <Text size="sm" fw={500}>
        Devices
      </Text>
      <SegmentedControl
        aria-label="Select devices by"
        size="xs"
        value={byTags ? 'tags' : 'hostname'}
        onChange={(kind) => onChange(kind === 'tags' ? { tags: [] } : { hostname: '.*' })}
        data={[
          { value: 'hostname', label: 'By hostname' },
          { value: 'tags', label: 'By tag' },
        ]}
      />
      {byTags ? (
        <TagsInput
          aria-label="Device tags"
          placeholder="up to 3 tags"
          data={tagChoices}
          maxTags={3}
          value={value.tags}
          onChange={(tags) => onChange({ tags })}
          error={error}
        />
      ) : (
        <TextInput
          aria-label="Hostname pattern"
          description="A regular expression the device name must match; .* for every device"
          value={value.hostname ?? ''}
          onChange={(event) => onChange({ hostname: event.currentTarget.value })}
          error={error}
        />
      )}
    </Stack>
  );
}

export function describeSelector(selector: DeviceSelector): string {
  return selector.tags?.length ? `tagged ${selector.tags.join(', ')}` : `name matches ${selector.hostname ?? '.*'}`;
}
