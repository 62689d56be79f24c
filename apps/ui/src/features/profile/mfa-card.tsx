import { Alert, Button, Card, Code, Group, Image, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation } from '@tanstack/react-query';
import QRCode from 'qrcode';
import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { api, unwrap } from '../../api/client';
import { notifySuccess, showApiErrors } from '../../ui/form-errors';
import { signOut } from '../auth/auth-actions';
import { useSession } from '../auth/session-store';

interface Enrolment {
  secret: string;
  recoveryCodes: string[];
  qrDataUrl: string;
}

function downloadRecoveryCodes(codes: string[]): void {
  const blob = new Blob([`Fleetgate recovery codes\n\n${codes.join('\n')}\n`], { type: 'text/plain' });
  const link = document.createElement('a');
  link.href = URL.createObjectURL(blob);
  link.download = 'fleetgate-recovery-codes.txt';
  link.click();
  URL.revokeObjectURL(link.href);
}

const codeRule = (value: string) => (/^\d{6}$/.test(value) ? null : 'the 6 digits your app shows');

export function MfaCard() {
  const session = useSession();
  const navigate = useNavigate();
  const [enrolment, setEnrolment] = useState<Enrolment | null>(null);
  const enableForm = useForm({ initialValues: { code: '' }, validate: { code: codeRule } });
  const disableForm = useForm({
    initialValues: { code: '' },
    validate: { code: (value) => (/^\d{6}$/.test(value) || value.length > 6 ? null : 'a 6-digit code or a recovery code') },
  });
  const generate = useMutation({
    mutationFn: async (): Promise<Enrolment> => {
      const credentials = await unwrap(api.GET('/api/user/mfa/generate', {}));
      const qrDataUrl = await QRCode.toDataURL(credentials.link, { margin: 1, width: 200 });
      return { secret: credentials.secret, recoveryCodes: credentials.recovery_codes, qrDataUrl };
    },
    onSuccess: setEnrolment,
  });
  // A change of the second factor ends every session, this one included: sign in again with it.
  const endSession = (message: string) => {
    notifySuccess(message);
    signOut();
    navigate('/login');
  };

  if (session?.mfa) {
    return (
      <Card withBorder>
        <Stack>
          <Title order={3} size="h4">
            Two-factor authentication is on
          </Title>
          <form
            noValidate
            onSubmit={disableForm.onSubmit(async ({ code }) => {
              const body = /^\d{6}$/.test(code) ? { code } : { recovery_code: code };
              try {
                await unwrap(api.PUT('/api/user/mfa/disable', { body }));
                endSession('Two-factor authentication is off; sign in again.');
              } catch (error) {
                showApiErrors(disableForm, error, { recovery_code: 'code' });
              }
            })}
          >
            <Group align="flex-start">
              <TextInput label="Code or recovery code" autoComplete="one-time-code" {...disableForm.getInputProps('code')} />
              <Button type="submit" color="red" variant="light" mt={25}>
                Turn off
              </Button>
            </Group>
          </form>
        </Stack>
      </Card>
    );
  }

  return (
    <Card withBorder>
      <Stack>
        <Title order={3} size="h4">
          Two-factor authentication
        </Title>
        {!enrolment ? (
          <>
            <Text size="sm">
              Ask for a code from an authenticator app at every sign-in. It needs a confirmed recovery e-mail address
              (set it above), where reset codes go if you lose the app.
            </Text>
            <Button onClick={() => generate.mutate()} loading={generate.isPending} w="fit-content">
              Set up two-factor authentication
            </Button>
          </>
        ) : (
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <Stack align="flex-start">
              <Text size="sm">1. Scan this code with your authenticator app, or type the secret.</Text>
              <Image src={enrolment.qrDataUrl} alt="QR code of the two-factor secret" w={200} h={200} />
              <Code data-testid="mfa-secret">{enrolment.secret}</Code>
            </Stack>
            <Stack>
              <Text size="sm">2. Keep these recovery codes: each one signs you in once if you lose the app.</Text>
              <Code block data-testid="recovery-codes">
                {enrolment.recoveryCodes.join('\n')}
              </Code>
              <Button variant="light" onClick={() => downloadRecoveryCodes(enrolment.recoveryCodes)} w="fit-content">
                Download the recovery codes
              </Button>
              <form
                noValidate
                onSubmit={enableForm.onSubmit(async ({ code }) => {
                  try {
                    await unwrap(
                      api.PUT('/api/user/mfa/enable', {
                        body: { code, secret: enrolment.secret, recovery_codes: enrolment.recoveryCodes },
                      }),
                    );
                    endSession('Two-factor authentication is on; sign in again with a code.');
                  } catch (error) {
                    showApiErrors(enableForm, error);
                  }
                })}
              >
                <Group align="flex-start">
                  <TextInput label="3. Code from the app" autoComplete="one-time-code" {...enableForm.getInputProps('code')} />
                  <Button type="submit" mt={25}>
                    Turn on
                  </Button>
                </Group>
              </form>
            </Stack>
          </SimpleGrid>
        )}
        {generate.isError && <Alert color="red">{String(generate.error)}</Alert>}
      </Stack>
    </Card>
  );
}
