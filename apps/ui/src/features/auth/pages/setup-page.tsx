import { Alert, Button, PasswordInput, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { api, unwrap } from '../../../api/client';
import { showApiErrors } from '../../../ui/form-errors';
import { emailProblem, passwordProblem, requiredProblem, usernameProblem } from '../account-rules';
import { AuthCard } from './auth-card';

/** First run: `node cli.js setup-url` prints `/setup?sign=…`; the first account is created here, once. */
export function SetupPage() {
  const [params] = useSearchParams();
  const sign = params.get('sign') ?? '';
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);
  const form = useForm({
    initialValues: { name: '', username: '', email: '', password: '' },
    validate: { name: requiredProblem('Name'), username: usernameProblem, email: emailProblem, password: passwordProblem },
  });
  const submit = form.onSubmit(async (values) => {
    setBusy(true);
    try {
      await unwrap(api.POST('/api/setup', { params: { query: { sign } }, body: values }));
      setDone(true);
    } catch (error) {
      showApiErrors(form, error);
    } finally {
      setBusy(false);
    }
  });
  if (!/^[0-9a-f]{64}$/i.test(sign)) {
    return (
      <AuthCard title="Set up Fleetgate">
        <Alert color="red" role="alert">
          Open the link that <code>node dist/apps/api/apps/api/src/cli.js setup-url</code> prints: it carries the proof
          that you run this installation.
        </Alert>
      </AuthCard>
    );
  }
  return (
    <AuthCard title="Set up Fleetgate">
      {done ? (
        <>
          <Text role="status">The first account is ready.</Text>
          <Button component={Link} to="/login">
            Sign in
          </Button>
        </>
      ) : (
        <form onSubmit={submit} noValidate>
          <Stack>
            <Text size="sm" c="dimmed">
              Create the first account of this installation.
            </Text>
            <TextInput label="Name" {...form.getInputProps('name')} />
            <TextInput label="Username" autoComplete="username" {...form.getInputProps('username')} />
            <TextInput label="E-mail" type="email" autoComplete="email" {...form.getInputProps('email')} />
            <PasswordInput label="Password" autoComplete="new-password" {...form.getInputProps('password')} />
            <Button type="submit" loading={busy}>
              Create the account
            </Button>
          </Stack>
        </form>
      )}
    </AuthCard>
  );
}
