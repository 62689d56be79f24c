import { Anchor, Button, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { api, unwrap } from '../../../api/client';
import { showApiErrors } from '../../../ui/form-errors';
import { requiredProblem } from '../account-rules';
import { AuthCard } from './auth-card';

export function RecoverPasswordPage() {
  const [sent, setSent] = useState(false);
  const [busy, setBusy] = useState(false);
  const form = useForm({ initialValues: { username: '' }, validate: { username: requiredProblem('Username or e-mail') } });
  const submit = form.onSubmit(async ({ username }) => {
    setBusy(true);
    try {
      await unwrap(api.POST('/api/user/recover_password', { body: { username: username.trim() } }));
      setSent(true);
    } catch (error) {
      showApiErrors(form, error);
    } finally {
      setBusy(false);
    }
  });
  return (
    <AuthCard
      title="Recover your password"
      footer={
        <Anchor component={Link} to="/login">
          Back to sign in
        </Anchor>
      }
    >
      {sent ? (
        <Text role="status">If an account matches, a link to set a new password is on its way to its e-mail address.</Text>
      ) : (
        <form onSubmit={submit} noValidate>
          <Stack>
            <TextInput label="Username or e-mail" autoComplete="username" {...form.getInputProps('username')} />
            <Button type="submit" loading={busy}>
              Send the link
            </Button>
          </Stack>
        </form>
      )}
    </AuthCard>
  );
}
