import { Button, Card, Group, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { modals } from '@mantine/modals';
import { useNavigate } from 'react-router-dom';
import { api, unwrap } from '../../api/client';
import { notifyError, notifySuccess, showApiErrors } from '../../ui/form-errors';
import { emailProblem, passwordProblem, requiredProblem, usernameProblem } from '../auth/account-rules';
import { signOut } from '../auth/auth-actions';
import { type Session, sessionStore } from '../auth/session-store';
import { useSession } from '../auth/session-store';
import { MfaCard } from './mfa-card';

function AccountDataCard({ session }: { session: Session }) {
  const form = useForm({
    initialValues: {
      name: session.name,
      username: session.user,
      email: session.email,
      recovery_email: session.recovery_email ?? '',
      current_password: '',
    },
    validate: {
      name: requiredProblem('Name'),
      username: usernameProblem,
      email: emailProblem,
      recovery_email: (value) => (value === '' ? null : emailProblem(value)),
      current_password: (value, values) =>
        (values.email !== session.email || values.recovery_email !== (session.recovery_email ?? '')) && !value
          ? 'needed to change an address'
          : null,
    },
  });
  return (
    <Card withBorder>
      <form
        noValidate
        onSubmit={form.onSubmit(async (values) => {
          // Only what changed is sent: the API asks for the password only for address changes.
          const body: Record<string, string> = {};
          if (values.name !== session.name) body['name'] = values.name;
          if (values.username !== session.user) body['username'] = values.username;
          if (values.email !== session.email) body['email'] = values.email;
          if (values.recovery_email !== (session.recovery_email ?? '')) body['recovery_email'] = values.recovery_email;
          if (Object.keys(body).length === 0) return;
          if (body['email'] || body['recovery_email']) body['current_password'] = values.current_password;
          try {
            await unwrap(api.PATCH('/api/users/{id}/data', { params: { path: { id: session.id } }, body }));
            sessionStore.update({ name: values.name, user: values.username });
            form.setFieldValue('current_password', '');
            notifySuccess(
              body['email'] || body['recovery_email']
                ? 'Saved. A new address takes effect once you open the link we e-mailed to it.'
                : 'Saved.',
            );
          } catch (error) {
            showApiErrors(form, error);
          }
        })}
      >
        <Stack>
          <Title order={3} size="h4">
            Account
          </Title>
          <TextInput label="Name" {...form.getInputProps('name')} />
          <TextInput label="Username" {...form.getInputProps('username')} />
          <TextInput label="E-mail" type="email" {...form.getInputProps('email')} />
          <TextInput label="Recovery e-mail" type="email" description="Where MFA reset codes also go" {...form.getInputProps('recovery_email')} />
          <PasswordInput label="Current password" description="Needed to change an address" {...form.getInputProps('current_password')} />
          <Button type="submit" w="fit-content">
            Save
          </Button>
        </Stack>
      </form>
    </Card>
  );
}

function PasswordCard({ session }: { session: Session }) {
  const navigate = useNavigate();
  const form = useForm({
    initialValues: { current_password: '', new_password: '', confirmation: '' },
    validate: {
      current_password: requiredProblem('The current password'),
      new_password: passwordProblem,
      confirmation: (value, values) => (value === values.new_password ? null : 'the passwords differ'),
    },
  });
  return (
    <Card withBorder>
      <form
        noValidate
        onSubmit={form.onSubmit(async ({ current_password, new_password }) => {
          try {
            await unwrap(api.PATCH('/api/users/{id}/password', { params: { path: { id: session.id } }, body: { current_password, new_password } }));
            notifySuccess('Password changed; every session is signed out. Sign in with the new password.');
            signOut();
            navigate('/login');
          } catch (error) {
            showApiErrors(form, error);
          }
        })}
      >
        <Stack>
          <Title order={3} size="h4">
            Password
          </Title>
          <PasswordInput label="Current password" autoComplete="current-password" {...form.getInputProps('current_password')} />
          <PasswordInput label="New password" autoComplete="new-password" {...form.getInputProps('new_password')} />
          <PasswordInput label="Confirm the new password" autoComplete="new-password" {...form.getInputProps('confirmation')} />
          <Button type="submit" w="fit-content">
            Change the password
          </Button>
        </Stack>
      </form>
    </Card>
  );
}

export function ProfilePage() {
  const session = useSession();
  const navigate = useNavigate();
  if (!session) return null;
  const confirmDelete = () =>
    modals.openConfirmModal({
      title: 'Delete your account?',
      children: (
        <Text size="sm">
          Your account and your memberships are deleted, and your API keys stop working. Namespaces you own must be deleted
          or handed over first. This cannot be undone.
        </Text>
      ),
      labels: { confirm: 'Delete my account', cancel: 'Keep it' },
      confirmProps: { color: 'red' },
      onConfirm: () =>
        unwrap(api.DELETE('/api/user', {})).then(() => (signOut(), navigate('/login')), notifyError),
    });
  return (
    <Stack maw={720}>
      <Title order={2}>Profile</Title>
      <AccountDataCard session={session} />
      <PasswordCard session={session} />
      <MfaCard />
      <Card withBorder>
        <Group justify="space-between">
          <Stack gap={0}>
            <Title order={3} size="h4">
              Delete the account
            </Title>
            <Text size="sm" c="dimmed">
              Removes you from every namespace.
            </Text>
          </Stack>
          <Button color="red.8" onClick={confirmDelete}>
            Delete my account
          </Button>
        </Group>
      </Card>
    </Stack>
  );
}
