import { api, unwrap } from '../../api/client';
import { apiErrorFrom } from '../../api/api-error';
import { type Session, sessionStore } from './session-store';
import { roleAllows, type UiPermission } from './permissions';
import { useSession } from './session-store';

export type LoginOutcome = { kind: 'signed-in'; session: Session } | { kind: 'mfa'; mfaToken: string };

/** `POST /api/login`; a right password for a user with MFA answers 401 with the token of the second step. */
export async function signIn(username: string, password: string): Promise<LoginOutcome> {
  const { data, error, response } = await api.POST('/api/login', { body: { username, password } });
  const mfaToken = response.headers.get('x-mfa-token');
  if (response.status === 401 && mfaToken) return { kind: 'mfa', mfaToken };
  if (!response.ok || !data) throw apiErrorFrom(response.status, error, response.headers);
  const session = data as Session;
  sessionStore.set(session);
  return { kind: 'signed-in', session };
}

export async function completeMfaSignIn(mfaToken: string, code: string): Promise<Session> {
  const session = (await unwrap(api.POST('/api/user/mfa/auth', { body: { token: mfaToken, code } }))) as Session;
  sessionStore.set(session);
  return session;
}

/** The token swap: a new token for the namespace, with the caller's role there. */
export async function switchNamespace(tenant: string): Promise<Session> {
  const session = (await unwrap(api.GET('/api/auth/token/{tenant}', { params: { path: { tenant } } }))) as Session;
  sessionStore.set({ ...sessionStore.get(), ...session } as Session);
  return session;
}

export function signOut(): void {
  sessionStore.clear();
}

export function useCan(permission: UiPermission): boolean {
  return roleAllows(useSession()?.role, permission);
}
