import { Alert, Button, Card, Checkbox, Group, Stack, Switch, Text, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { api, type Schemas, unwrap } from '../../api/client';
import { notifySuccess, showApiErrors } from '../../ui/form-errors';
import { QueryState } from '../../ui/query-state';
import { useCan } from '../auth/auth-actions';

type AuthenticationPolicy = Schemas['AuthenticationPolicyDto'];

const queryKey = ['authentication-policy'];

/** Mirrors the API's checks, so that a person sees the problem before saving (the API decides regardless). */
export function authenticationPolicyProblem(policy: AuthenticationPolicy): string | null {
  if (!policy.public_key && !policy.password && !policy.keyboard_interactive) return 'Allow at least one method.';
  if (policy.require_mfa && !policy.public_key) return 'A second factor needs public keys: they name the member who answers it.';
  return null;
}

export function AuthenticationPolicyCard() {
  const canEdit = useCan('authentication_policy:edit');
  const queryClient = useQueryClient();
  const policy = useQuery({ queryKey, queryFn: () => unwrap(api.GET('/api/gateway/authentication-policy', {})) });
  const form = useForm<AuthenticationPolicy>({
    initialValues: { public_key: true, password: true, keyboard_interactive: false, require_mfa: false },
  });
  const { setValues, resetDirty } = form;
  useEffect(() => {
    if (!policy.data) return;
    setValues(policy.data);
    resetDirty(policy.data);
  }, [policy.data, setValues, resetDirty]);
  const save = useMutation({
    mutationFn: (body: AuthenticationPolicy) => unwrap(api.PUT('/api/gateway/authentication-policy', { body })),
    onSuccess: (saved) => {
      queryClient.setQueryData(queryKey, saved);
      notifySuccess('Authentication policy saved');
    },
    onError: (error) => showApiErrors(form, error),
  });
  const problem = authenticationPolicyProblem(form.values);
  const { require_mfa } = form.values;

  return (
    <Card withBorder>
      <Stack>
        <Title order={3}>Authentication at the gateway</Title>
        <QueryState isLoading={policy.isPending} error={policy.error} onRetry={() => void policy.refetch()}>
          <form noValidate onSubmit={form.onSubmit((values) => save.mutate(values))}>
            <Stack>
              <Stack gap="xs" role="group" aria-label="Allowed login methods">
                <Text size="sm" fw={500}>
                  Allowed login methods
                </Text>
                <Checkbox label="Public key (keys registered in this namespace)" disabled={!canEdit} {...form.getInputProps('public_key', { type: 'checkbox' })} />
                <Checkbox
                  label="Password (the device user's password, checked by the device)"
                  disabled={!canEdit || require_mfa}
                  {...form.getInputProps('password', { type: 'checkbox' })}
                />
                <Checkbox
                  label="Keyboard-interactive (the device password asked through a prompt)"
                  disabled={!canEdit || require_mfa}
                  {...form.getInputProps('keyboard_interactive', { type: 'checkbox' })}
                />
              </Stack>
              <Switch
                label="Require a second factor (TOTP) for SSH"
                description="After the public key, the gateway asks for a verification code of the member who registered that key."
                disabled={!canEdit}
                {...form.getInputProps('require_mfa', { type: 'checkbox' })}
              />
              {require_mfa && (
                <Alert color="yellow" title="What changes with a second factor">
                  <Text size="sm">
                    Passwords stop working: only public keys name a member. A key works only while the member who registered
                    it is a member here, has confirmed their account and has MFA enabled; keys registered before Fleetgate
                    recorded who registered them must be registered again. The web terminal cannot answer the code prompt.
                  </Text>
                </Alert>
              )}
              {problem && (
                <Text size="sm" c="red" role="alert">
                  {problem}
                </Text>
              )}
              {canEdit ? (
                <Group>
                  <Button type="submit" loading={save.isPending} disabled={problem !== null || !form.isDirty()}>
                    Save the authentication policy
                  </Button>
                </Group>
              ) : (
                <Text size="xs" c="dimmed">
                  Only administrators and the owner change how people log in.
                </Text>
              )}
            </Stack>
          </form>
        </QueryState>
      </Stack>
    </Card>
  );
}
