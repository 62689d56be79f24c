import { Alert, Anchor, Button, Checkbox, PasswordInput, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { api, unwrap } from '../../../api/client';
import { showApiErrors } from '../../../ui/form-errors';
import { emailProblem, passwordProblem, requiredProblem, usernameProblem } from '../account-rules';
import { AuthCard } from './auth-card';

export function SignUpPage() {
  const [params] = useSearchParams();
  // An invitation to someone without an account links here with its signature, which registration completes.
  const sig = params.get('sig') ?? undefined;
  const [sentTo, setSentTo] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const form = useForm({
    initialValues: {
      name: '',
      username: '',
      email: params.get('email') ?? '',
      password: '',
      confirmation: '',
      email_marketing: false,
    },
    validate: {
      name: requiredProblem('Name'),
      username: usernameProblem,
      email: emailProblem,
      password: passwordProblem,
      confirmation: (value, values) => (value === values.password ? null : 'the passwords differ'),
    },
  });

  const submit = form.onSubmit(async ({ name, username, email, password, email_marketing }) => {
    setBusy(true);
    try {
      await unwrap(api.POST('/api/register', { body: { name, username, email, password, email_marketing, sig } }));
      setSentTo(email);
    } catch (error) {
      showApiErrors(form, error);
    } finally {
      setBusy(false);
    }
  });

  if (sentTo) {
    return (
      <AuthCard title="Check your e-mail">
        <Text>
          We sent a confirmation link to <b>{sentTo}</b>. Open it to activate your account, then sign in.
        </Text>
        <Button component={Link} to="/login" variant="light">
          Go to sign in
        </Button>
      </AuthCard>
    );
  }

  return (
    <AuthCard
      title="Create your account"
      footer={
        <>
          Already have an account?{' '}
          <Anchor component={Link} to="/login">
            Sign in
          </Anchor>
        </>
      }
    >
      <form onSubmit={submit} noValidate>
        <Stack>
          {sig && <Alert color="indigo">You were invited to a namespace: your account joins it once created.</Alert>}
          <TextInput label="Name" autoComplete="name" {...form.getInputProps('name')} />
          <TextInput label="Username" autoComplete="username" {...form.getInputProps('username')} />
          <TextInput label="E-mail" type="email" autoComplete="email" {...form.getInputProps('email')} />
          <PasswordInput label="Password" autoComplete="new-password" {...form.getInputProps('password')} />
          <PasswordInput label="Confirm password" autoComplete="new-password" {...form.getInputProps('confirmation')} />
          <Checkbox label="Send me product news" {...form.getInputProps('email_marketing', { type: 'checkbox' })} />
          <Button type="submit" loading={busy}>
            Create account
          </Button>
        </Stack>
      </form>
    </AuthCard>
  );
}
