import { Alert, Button, PasswordInput, Stack, Text } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { api, unwrap } from '../../../api/client';
import { showApiErrors } from '../../../ui/form-errors';
import { passwordProblem } from '../account-rules';
import { AuthCard } from './auth-card';

/** Where the recovery e-mail's link lands: `/update-password?id=…&token=…`. */
export function UpdatePasswordPage() {
  const [params] = useSearchParams();
  const id = params.get('id') ?? '';
  const token = params.get('token') ?? '';
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);
  const form = useForm({
    initialValues: { password: '', confirmation: '' },
    validate: {
      password: passwordProblem,
      confirmation: (value, values) => (value === values.password ? null : 'the passwords differ'),
    },
  });
  const submit = form.onSubmit(async ({ password }) => {
    setBusy(true);
    try {
      await unwrap(api.POST('/api/user/{uid}/update_password', { params: { path: { uid: id } }, body: { password, token } }));
      setDone(true);
    } catch (error) {
      showApiErrors(form, error);
    } finally {
      setBusy(false);
    }
  });
  if (!id || !token) {
    return (
      <AuthCard title="Set a new password">
        <Alert color="red" role="alert">
          This link is incomplete: open the link from the e-mail again, whole.
        </Alert>
      </AuthCard>
    );
  }
  return (
    <AuthCard title="Set a new password">
      {done ? (
        <>
          <Text role="status">Your password is changed, and every other session is signed out.</Text>
          <Button component={Link} to="/login">
            Sign in
          </Button>
        </>
      ) : (
        <form onSubmit={submit} noValidate>
          <Stack>
            <PasswordInput label="New password" autoComplete="new-password" {...form.getInputProps('password')} />
            <PasswordInput label="Confirm password" autoComplete="new-password" {...form.getInputProps('confirmation')} />
            <Button type="submit" loading={busy}>
              Save the password
            </Button>
          </Stack>
        </form>
      )}
    </AuthCard>
  );
}
