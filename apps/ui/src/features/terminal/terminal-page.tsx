import { Alert, Badge, Button, Group, Loader, Stack, Text, Title } from '@mantine/core';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useParams } from 'react-router-dom';
import type { TerminalLogin, TerminalStatus } from './terminal-connection';
import { fetchTerminalDevice, type TerminalDevice } from './terminal-api';
import { TerminalLoginForm } from './terminal-login-form';
import { TerminalView, type TerminalViewHandle } from './terminal-view';

type DeviceState = { state: 'loading' } | { state: 'loaded'; device: TerminalDevice } | { state: 'missing'; message: string };

const statusText: Record<TerminalStatus['state'], string> = {
  connecting: 'Connecting to the gateway…',
  authenticating: 'Logging in on the device…',
  open: 'Connected',
  ended: 'Disconnected',
  failed: 'Not connected',
};

/**
 * `/devices/:uid/terminal`: a shell on the device in the browser, through the gateway's web terminal, under the
 * same rules as `ssh` (firewall, device state, keys). Reconnect asks for a new ticket and logs in again with the
 * same credential, which lives only in this page's memory.
 */
export function TerminalPage() {
  const { uid = '' } = useParams<{ uid: string }>();
  const [device, setDevice] = useState<DeviceState>({ state: 'loading' });
  const [login, setLogin] = useState<TerminalLogin | null>(null);
  const [attempt, setAttempt] = useState(0);
  const [status, setStatus] = useState<TerminalStatus>({ state: 'connecting' });
  const view = useRef<TerminalViewHandle>(null);

  useEffect(() => {
    let current = true;
    setDevice({ state: 'loading' });
    fetchTerminalDevice(uid).then(
      (found) => current && setDevice({ state: 'loaded', device: found }),
      (error: unknown) =>
        current &&
        setDevice({
          state: 'missing',
          message: (error as { status?: number }).status === 404 ? 'There is no such device in this namespace.' : 'The device could not be loaded.',
        }),
    );
    return () => {
      current = false;
    };
  }, [uid]);

  const start = useCallback((chosen: TerminalLogin) => {
    setStatus({ state: 'connecting' });
    setLogin(chosen);
    setAttempt((count) => count + 1);
  }, []);
  const reconnect = () => {
    setStatus({ state: 'connecting' });
    setAttempt((count) => count + 1);
  };

  if (device.state === 'loading') {
    return (
      <Group p="md" gap="xs">
        <Loader size="sm" />
        <Text>Loading the device…</Text>
      </Group>
    );
  }
  if (device.state === 'missing') {
    return (
      <Alert m="md" color="red" title="No terminal">
        {device.message}
      </Alert>
    );
  }

  const { name, online } = device.device;
  const live = status.state === 'open';
  return (
    <Stack p="md" gap="sm">
      <Group justify="space-between" wrap="wrap">
        <Group gap="xs">
          <Title order={2} size="h3">
            Terminal: {name}
          </Title>
          <Badge color={online ? 'green' : 'gray'} variant="light">
            {online ? 'online' : 'offline'}
          </Badge>
        </Group>
        {login && (
          <Group gap="xs" wrap="wrap">
            <Text size="sm" c="dimmed" role="status" aria-live="polite">
              {login.username}@{name}: {statusText[status.state]}
            </Text>
            <Button size="xs" variant="default" onClick={() => void view.current?.copySelection()} disabled={!live} title="Ctrl+Shift+C">
              Copy
            </Button>
            <Button size="xs" variant="default" onClick={() => void view.current?.pasteClipboard()} disabled={!live} title="Ctrl+Shift+V">
              Paste
            </Button>
            <Button size="xs" onClick={reconnect} disabled={status.state === 'connecting' || status.state === 'authenticating'}>
              Reconnect
            </Button>
            <Button size="xs" variant="subtle" onClick={() => setLogin(null)}>
              Change login
            </Button>
          </Group>
        )}
      </Group>
      {!login && (
        <>
          {!online && (
            <Alert color="yellow" title="The device is offline">
              The gateway cannot reach it until its agent connects again.
            </Alert>
          )}
          <TerminalLoginForm deviceName={name} onLogin={start} />
        </>
      )}
      {login && status.state === 'failed' && (
        <Alert color="red" title="The terminal could not connect">
          {status.message}
        </Alert>
      )}
      {login && status.state === 'ended' && (
        <Alert color="gray" title="Session ended">
          {status.message}
        </Alert>
      )}
      {login && <TerminalView key={attempt} ref={view} uid={uid} login={login} onStatus={setStatus} />}
    </Stack>
  );
}
