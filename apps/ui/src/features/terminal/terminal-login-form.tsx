import { Alert, Button, FileButton, Group, PasswordInput, SegmentedControl, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { loadSshKeySigner, SshKeyFormatError } from '@fleetgate/contracts';
import type { TerminalLogin } from './terminal-connection';

const USERNAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,31}\$?$/;

interface TerminalLoginFormProps {
  deviceName: string;
  onLogin: (login: TerminalLogin) => void;
}

/**
 * Who to log in as on the device, and how: the device user's password (the device checks it), or a private key that
 * stays in this browser and signs the login challenge here (only its public half is sent).
 */
export function TerminalLoginForm({ deviceName, onLogin }: TerminalLoginFormProps) {
  const [username, setUsername] = useState('root');
  const [method, setMethod] = useState<'password' | 'publickey'>('password');
  const [password, setPassword] = useState('');
  const [privateKey, setPrivateKey] = useState('');
  const [errors, setErrors] = useState<{ username?: string; password?: string; privateKey?: string }>({});
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const found: typeof errors = {};
    if (!USERNAME.test(username)) found.username = 'A device user name: letters, digits, "_", "." or "-", at most 32.';
    if (method === 'password' && password.length === 0) found.password = 'Enter the password of this user on the device.';
    if (method === 'publickey' && privateKey.trim().length === 0) found.privateKey = 'Paste a private key or choose its file.';
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    if (method === 'password') return onLogin({ username, method, password });
    setBusy(true);
    try {
      onLogin({ username, method, signer: await loadSshKeySigner(privateKey) });
    } catch (error) {
      setErrors({ privateKey: error instanceof SshKeyFormatError ? error.message : 'This browser cannot use this key.' });
    } finally {
      setBusy(false);
    }
  };

  const readKeyFile = async (file: File | null) => {
    if (file) setPrivateKey(await file.text());
  };

  return (
    <form onSubmit={(event) => void submit(event)} aria-label={`Log in to ${deviceName}`} noValidate>
      <Stack gap="sm" maw={560}>
        <TextInput
          label="Device user"
          description="The account on the device, as in ssh user@device."
          value={username}
          onChange={(event) => setUsername(event.currentTarget.value.trim())}
          error={errors.username}
          autoComplete="username"
          required
        />
        <SegmentedControl
          aria-label="How to log in"
          value={method}
          onChange={(value) => setMethod(value as 'password' | 'publickey')}
          data={[
            { label: 'Password', value: 'password' },
            { label: 'Private key', value: 'publickey' },
          ]}
        />
        {method === 'password' ? (
          <PasswordInput
            label="Password"
            description="Checked by the device."
            value={password}
            onChange={(event) => setPassword(event.currentTarget.value)}
            error={errors.password}
            autoComplete="current-password"
            required
          />
        ) : (
          <Stack gap={4}>
            <Textarea
              label="Private key"
              description="Unencrypted Ed25519 or RSA key (OpenSSH or PEM). It never leaves this browser: only its signature of the login challenge is sent."
              placeholder="-----BEGIN OPENSSH PRIVATE KEY-----"
              value={privateKey}
              onChange={(event) => setPrivateKey(event.currentTarget.value)}
              error={errors.privateKey}
              autosize
              minRows={4}
              maxRows={10}
              spellCheck={false}
              styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
            />
            <Group>
              <FileButton onChange={(file) => void readKeyFile(file)}>
                {(props) => (
                  <Button variant="default" size="xs" {...props}>
                    Choose a key file
                  </Button>
                )}
              </FileButton>
              <Text size="xs" c="dimmed">
                The public key must be registered in this namespace (Public keys).
              </Text>
            </Group>
          </Stack>
        )}
        {method === 'publickey' && (
          <Alert variant="light" color="blue" title="Your key stays here">
            The gateway sends a challenge, this page signs it with WebCrypto, and the gateway checks the signature against the
            namespace’s public keys, as it does for ssh.
          </Alert>
        )}
        <Group>
          <Button type="submit" loading={busy}>
            Connect
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
