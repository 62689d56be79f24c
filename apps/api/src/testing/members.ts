import type { INestApplication } from '@nestjs/common';
import { randomBytes, randomUUID } from 'node:crypto';
import { type MemberRole, MembershipsRepository, tenantScope, UsersRepository } from '@fleetgate/data-access';
import { AccountSeedService, type LoginResponse, PasswordHashingService } from '@fleetgate/identity';

/** Test-only helpers (excluded from the build): people with a namespace role and a real user token. */

export interface TestMember {
  username: string;
  password: string;
  userId: string;
  tenantId: string;
  /** `Authorization` header value with the user token from a real login. */
  authorization: string;
}

interface RunningApi {
  app: INestApplication;
  url: string;
}

const randomName = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}`;

/** A new user who owns a new namespace. */
export async function newOwner(
  api: RunningApi,
  tenantId: string = randomUUID(),
): Promise<TestMember & { namespace: string }> {
  const username = randomName('owner');
  const password = 'correct horse battery';
  const seeded = await api.app.get(AccountSeedService).seed({
    username,
    password,
    email: `${username}@example.test`,
    namespace: randomName('ns'),
    tenantId,
  });
  return { ...(await logIn(api, username, password, seeded.user_id)), namespace: seeded.namespace };
}

const hashes = new Map<string, Promise<string>>();

/** Every test member shares one password: hash it once per test file instead of once per member (argon2 is slow). */
function hashOnce(api: RunningApi, password: string): Promise<string> {
  let hash = hashes.get(password);
  if (!hash) {
    hash = api.app.get(PasswordHashingService).hash(password);
    hashes.set(password, hash);
  }
  return hash;
}

/** A new user whose only namespace is `tenantId`, with `role` there. */
export async function newMember(api: RunningApi, tenantId: string, role: MemberRole): Promise<TestMember> {
  const username = randomName(role);
  const password = 'correct horse battery';
  const user = await api.app.get(UsersRepository).create({
    id: randomUUID(),
    name: username,
    username,
    email: `${username}@example.test`,
    password_hash: await hashOnce(api, password),
    status: 'confirmed',
    max_namespaces: -1,
  });
  await api.app
    .get(MembershipsRepository)
    .create(tenantScope(tenantId), { user_id: user.id, role, status: 'accepted' });
  return logIn(api, username, password, user.id);
}

export async function postLogin(api: RunningApi, body: unknown): Promise<Response> {
  return fetch(`${api.url}/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

async function logIn(
  api: RunningApi,
  username: string,
  password: string,
  userId: string,
): Promise<TestMember> {
  const response = await postLogin(api, { username, password });
  if (response.status !== 200) {
    throw new Error(`login of ${username} answered ${response.status}: ${await response.text()}`);
  }
  const login = (await response.json()) as LoginResponse;
  return { username, password, userId, tenantId: login.tenant, authorization: `Bearer ${login.token}` };
}
