import { randomBytes, randomUUID } from 'node:crypto';
import type { Connection } from 'mongoose';
import {
  type DeviceDocument,
  type NamespaceDocument,
  registerModels,
  type SessionDocument,
  type UserDocument,
} from '@fleetgate/data-access';

const suffix = () => randomBytes(4).toString('hex');

/** Plain documents with sensible defaults; override any field. Persist them with `persist*` or a repository. */
export const factory = {
  user(overrides: Partial<UserDocument> = {}): UserDocument {
    const name = `user-${suffix()}`;
    return {
      id: randomUUID(),
      name,
      username: name,
      email: `${name}@example.test`,
      password_hash: '$argon2id$placeholder',
      status: 'confirmed',
      max_namespaces: -1,
      ...overrides,
    };
  },

  namespace(overrides: Partial<NamespaceDocument> = {}): NamespaceDocument {
    return {
      tenant_id: randomUUID(),
      name: `ns-${suffix()}`,
      owner: randomUUID(),
      max_devices: -1,
      settings: { session_record: true, connection_announcement: '' },
      ...overrides,
    };
  },

  device(overrides: Partial<DeviceDocument> & Pick<DeviceDocument, 'tenant_id'>): DeviceDocument {
    const mac = Array.from(randomBytes(6), (byte) => byte.toString(16).padStart(2, '0')).join(':');
    return {
      uid: randomBytes(32).toString('hex'),
      name: `device-${suffix()}`,
      identity: { mac },
      info: { id: 'debian', pretty_name: 'Debian GNU/Linux 12', version: '0.1.0', arch: 'x86_64', platform: 'native' },
      public_key: '',
      status: 'pending',
      status_updated_at: new Date(),
      last_seen: new Date(0),
      remote_addr: '127.0.0.1',
      position: null,
      tags: [],
      public_url: false,
      ...overrides,
    };
  },

  session(overrides: Partial<SessionDocument> & Pick<SessionDocument, 'tenant_id' | 'device_uid'>): SessionDocument {
    const now = new Date();
    return {
      uid: randomBytes(32).toString('hex'),
      username: 'root',
      ip_address: '192.0.2.10',
      started_at: now,
      last_seen: now,
      closed_at: null,
      active: true,
      authenticated: true,
      recorded: false,
      type: 'shell',
      term: 'xterm-256color',
      position: { latitude: 0, longitude: 0 },
      gateway_id: 'test-gateway',
      ...overrides,
    };
  },
};

/** Writes documents straight into a test database, for arranging a test. */
export const persist = {
  user: (connection: Connection, overrides: Partial<UserDocument> = {}) =>
    registerModels(connection).users.create(factory.user(overrides)).then((doc) => doc.toObject() as UserDocument),
  namespace: (connection: Connection, overrides: Partial<NamespaceDocument> = {}) =>
    registerModels(connection)
      .namespaces.create(factory.namespace(overrides))
      .then((doc) => doc.toObject() as NamespaceDocument),
  device: (connection: Connection, overrides: Partial<DeviceDocument> & Pick<DeviceDocument, 'tenant_id'>) =>
    registerModels(connection)
      .devices.create(factory.device(overrides))
      .then((doc) => doc.toObject() as DeviceDocument),
  session: (
    connection: Connection,
    overrides: Partial<SessionDocument> & Pick<SessionDocument, 'tenant_id' | 'device_uid'>,
  ) =>
    registerModels(connection)
      .sessions.create(factory.session(overrides))
      .then((doc) => doc.toObject() as SessionDocument),
};
