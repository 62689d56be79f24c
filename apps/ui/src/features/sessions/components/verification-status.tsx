import { Alert, Text } from '@mantine/core';
import { errorMessage } from '../../../api/api-error';
import type { RecordingVerification } from '../session-queries';

const presentation: Record<string, { color: string; title: string; explanation: string }> = {
  intact: {
    color: 'green',
    title: 'Recording intact',
    explanation: 'Every chunk matches the hash chain, and the platform key signed the last one.',
  },
  incomplete: {
    color: 'yellow',
    title: 'Recording incomplete',
    explanation: 'What is stored matches the chain, but the recording has no signed last chunk: still recording, or cut short.',
  },
  tampered: {
    color: 'red',
    title: 'Recording altered',
    explanation: 'A chunk does not match the chain or its signature: the recording was changed after it was made.',
  },
  empty: { color: 'gray', title: 'Nothing recorded', explanation: 'This session has no recorded frames.' },
};

/** The verify route's verdict, in words: green only when the chain and the signatures hold to the end. */
export function VerificationStatus({ report, error }: { report?: RecordingVerification; error?: unknown }) {
  if (error) {
    return (
      <Alert color="red" title="Could not verify the recording">
        {errorMessage(error)}
      </Alert>
    );
  }
  if (!report) return null;
  const shown = presentation[report.status] ?? presentation['tampered'];
  return (
    <Alert
      color={shown.color}
      title={shown.title}
      data-testid="recording-verification"
      data-status={report.status}
      // A coloured title on the tinted background falls below AA contrast for some colours; the tint says enough.
      styles={{ title: { color: 'var(--mantine-color-text)' } }}
    >
      <Text size="sm">{shown.explanation}</Text>
      <Text size="xs" c="dimmed">
        {report.chunks} chunk{report.chunks === 1 ? '' : 's'} checked, signed through chunk {report.signed_through}
        {report.first_bad_chunk !== undefined ? `; first chunk that fails: ${report.first_bad_chunk}` : ''}
        {report.reason ? ` (${report.reason})` : ''}
      </Text>
    </Alert>
  );
}
