import type { ReactNode } from 'react';
import { Anchor, Button, Card, Group, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { modals } from '@mantine/modals';
import dayjs from 'dayjs';
import { useMemo, useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { notifyError, notifySuccess } from '../../../ui/form-errors';
import { QueryState } from '../../../ui/query-state';
import { useCan } from '../../auth/auth-actions';
import { summariseAsciicast } from '../asciicast-timeline';
import { RecordingPlayer } from '../components/recording-player';
import { SessionBadges } from '../components/session-badges';
import { VerificationStatus } from '../components/verification-status';
import { formatDuration, locationLabel, sessionDuration } from '../session-format';
import {
  fetchRecordingBundle,
  saveText,
  type Session,
  useAsciicast,
  useCloseSession,
  useRecordingVerification,
  useSession,
} from '../session-queries';

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Stack gap={0}>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text size="sm" component="div">
        {children}
      </Text>
    </Stack>
  );
}

function Recording({ session }: { session: Session }) {
  const cast = useAsciicast(session.uid, session.recorded);
  const verification = useRecordingVerification(session.uid, session.recorded);
  const [bundling, setBundling] = useState(false);
  const summary = useMemo(() => {
    if (!cast.data) return null;
    try {
      return summariseAsciicast(cast.data);
    } catch {
      return null;
    }
  }, [cast.data]);

  if (!session.recorded) {
    return <Text c="dimmed">This session was not recorded (its namespace did not record sessions, or the recording expired).</Text>;
  }
  const downloadBundle = async () => {
    setBundling(true);
    try {
      saveText(`${session.uid}.recording.jsonl`, await fetchRecordingBundle(session.uid), 'application/x-ndjson');
    } catch (error) {
      notifyError(error);
    } finally {
      setBundling(false);
    }
  };
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={3}>Recording</Title>
        <Group gap="xs">
          <Button
            size="xs"
            variant="default"
            disabled={!cast.data}
            onClick={() => cast.data && saveText(`${session.uid}.cast`, cast.data, 'application/x-asciicast')}
          >
            Download asciicast
          </Button>
          <Button size="xs" variant="default" loading={bundling} onClick={() => void downloadBundle()}>
            Download for offline verification
          </Button>
        </Group>
      </Group>
      <VerificationStatus report={verification.data} error={verification.error} />
      <QueryState isLoading={cast.isPending} error={cast.error} onRetry={() => void cast.refetch()} isEmpty={!summary || summary.outputs === 0} empty={<Text c="dimmed">The recording holds no output yet.</Text>}>
        {summary && cast.data && <RecordingPlayer cast={cast.data} summary={summary} />}
      </QueryState>
    </Stack>
  );
}

export function SessionDetailsPage() {
  const { uid = '' } = useParams();
  const session = useSession(uid);
  const canClose = useCan('session:close');
  const close = useCloseSession({ uid, device_uid: session.data?.device_uid ?? '' });

  const confirmClose = () =>
    modals.openConfirmModal({
      title: 'Close this session?',
      children: (
        <Text size="sm">
          The connection ends now: the person’s ssh or web terminal is told that a member of the namespace closed it.
        </Text>
      ),
      labels: { confirm: 'Close the session', cancel: 'Keep it open' },
      confirmProps: { color: 'red' },
      onConfirm: () => close.mutate(undefined, { onSuccess: () => notifySuccess('Session closed'), onError: notifyError }),
    });

  return (
    <QueryState isLoading={session.isPending} error={session.error} onRetry={() => void session.refetch()}>
      {session.data && (
        <Stack>
          <Anchor component={Link} to="/sessions" size="sm">
            ← Sessions
          </Anchor>
          <Group justify="space-between" align="center">
            <Group gap="sm">
              <Title order={2} style={{ overflowWrap: 'anywhere' }}>
                {session.data.username}@{session.data.device?.name ?? 'removed device'}
              </Title>
              <SessionBadges session={session.data} />
            </Group>
            {canClose && session.data.active && (
              <Button color="red" variant="light" size="xs" onClick={confirmClose} loading={close.isPending}>
                Close session
              </Button>
            )}
          </Group>
          <Card withBorder>
            <SimpleGrid cols={{ base: 1, xs: 2, md: 3 }}>
              <Fact label="Device">
                {session.data.device ? (
                  <Anchor component={Link} to={`/devices/${session.data.device_uid}`}>
                    {session.data.device.name}
                  </Anchor>
                ) : (
                  'removed'
                )}
              </Fact>
              <Fact label="User">{session.data.username}</Fact>
              <Fact label="IP address">{session.data.ip_address}</Fact>
              <Fact label="Location">{locationLabel(session.data.position)}</Fact>
              <Fact label="Started">{dayjs(session.data.started_at).format('YYYY-MM-DD HH:mm:ss')}</Fact>
              <Fact label="Last seen">{dayjs(session.data.last_seen).format('YYYY-MM-DD HH:mm:ss')}</Fact>
              <Fact label="Duration">{formatDuration(sessionDuration(session.data, Date.now()))}</Fact>
              <Fact label="Type">
                {session.data.type}
                {session.data.term !== 'none' ? ` (${session.data.term})` : ''}
              </Fact>
              <Fact label="UID">
                <Text size="xs" ff="monospace" style={{ wordBreak: 'break-all' }}>
                  {session.data.uid}
                </Text>
              </Fact>
            </SimpleGrid>
          </Card>
          <Recording session={session.data} />
        </Stack>
      )}
    </QueryState>
  );
}
