import { Alert, Anchor, Button, PasswordInput, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useState } from 'react';
import { Link, Navigate, useNavigate, useSearchParams } from 'react-router-dom';
import { ApiError, errorMessage } from '../../../api/api-error';
import { completeMfaSignIn, signIn } from '../auth-actions';
import { requiredProblem } from '../account-rules';
import { useSession } from '../session-store';
import { AuthCard } from './auth-card';

/** Only paths of this UI are followed after sign-in, never another origin. */
function safeNext(next: string | null): string {
  return next && next.startsWith('/') && !next.startsWith('//') ? next : '/';
}

function MfaStep({ mfaToken, onDone }: { mfaToken: string; onDone: () => void }) {
  const [code, setCode] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (value: string) => {
    if (!/^\d{6}$/.test(value)) return setProblem('enter the 6 digits your authenticator app shows');
    // onComplete and the form's submit can both fire for one code; a code is good for one use only.
    if (busy) return;
    setBusy(true);
    setProblem(null);
    try {
      await completeMfaSignIn(mfaToken, value);
      onDone();
    } catch (error) {
      setProblem(errorMessage(error));
      setCode('');
    } finally {
      setBusy(false);
    }
  };
  return (
    <form onSubmit={(event) => (event.preventDefault(), void submit(code))}>
      <Stack>
        <Text size="sm">Enter the code from your authenticator app.</Text>
        <TextInput
          label="Authentication code"
          inputMode="numeric"
          autoComplete="one-time-code"
          maxLength={6}
          autoFocus
          value={code}
          onChange={(event) => {
            const value = event.currentTarget.value.replace(/\D/g, '');
            setCode(value);
            if (value.length === 6) void submit(value);
          }}
          error={problem !== null}
        />
        {problem && (
          <Text c="red" size="sm" role="alert">
            {problem}
          </Text>
        )}
        <Button type="submit" loading={busy}>
          Verify
        </Button>
      </Stack>
    </form>
  );
}

export function SignInPage() {
  const session = useSession();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const next = safeNext(params.get('next'));
  const [mfaToken, setMfaToken] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const form = useForm({
    initialValues: { username: '', password: '' },
    validate: { username: requiredProblem('Username or e-mail'), password: requiredProblem('Password') },
  });

  if (session && !mfaToken) return <Navigate to={next} replace />;

  const submit = form.onSubmit(async ({ username, password }) => {
    setBusy(true);
    setProblem(null);
    try {
      const outcome = await signIn(username.trim(), password);
      if (outcome.kind === 'mfa') setMfaToken(outcome.mfaToken);
      else navigate(next, { replace: true });
    } catch (error) {
      if (error instanceof ApiError && error.status === 403) {
        setProblem('Your account is not confirmed yet: open the link in the e-mail we sent you.');
      } else setProblem(errorMessage(error));
    } finally {
      setBusy(false);
    }
  });

  return (
    <AuthCard
      title={mfaToken ? 'Two-factor authentication' : 'Sign in'}
      footer={
        <>
          New here?{' '}
          <Anchor component={Link} to="/sign-up">
            Create an account
          </Anchor>
          {' · '}
          <Anchor component={Link} to="/status">
            Platform status
          </Anchor>
        </>
      }
    >
      {mfaToken ? (
        <MfaStep mfaToken={mfaToken} onDone={() => navigate(next, { replace: true })} />
      ) : (
        <form onSubmit={submit} noValidate>
          <Stack>
            {problem && (
              <Alert color="red" role="alert">
                {problem}
              </Alert>
            )}
            <TextInput label="Username or e-mail" autoComplete="username" autoFocus {...form.getInputProps('username')} />
            <PasswordInput label="Password" autoComplete="current-password" {...form.getInputProps('password')} />
            <Anchor component={Link} to="/recover-password" size="sm">
              Forgot your password?
            </Anchor>
            <Button type="submit" loading={busy}>
              Sign in
            </Button>
          </Stack>
        </form>
      )}
    </AuthCard>
  );
}
