import { randomUUID } from 'node:crypto';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { Inject, Injectable, Logger } from '@nestjs/common';
import Docker from 'dockerode';
import { type PlatformKeys, SecretBox } from '@fleetgate/auth';
import {
  type ConnectorDocument,
  ConnectorsRepository,
  type ConnectorStatus,
  type Page,
  type PageRequest,
  pageWindow,
  type TenantScope,
} from '@fleetgate/data-access';
import { AppException } from '@fleetgate/errors';
import { PLATFORM_KEYS } from '@fleetgate/identity';
import { ENGINE_UNREACHABLE, resolveEngineAddress } from './engine-address';

export const CONNECTORS_OPTIONS = Symbol('CONNECTORS_OPTIONS');

export interface ConnectorsOptions {
  allowPrivateAddresses: boolean;
  /** How long the API waits for an engine's answer. */
  engineTimeoutMs?: number;
}

export interface ConnectorTlsInput {
  ca: string;
  cert: string;
  key: string;
}

export interface ConnectorInput {
  address: string;
  port: number;
  /** Enabled unless stated. */
  enable?: boolean;
  /** Plain HTTP unless stated. */
  secure?: boolean;
  tls?: ConnectorTlsInput | null;
}

/** ShellHub's connector shape; the TLS private key is write-only. */
export interface ConnectorView {
  uid: string;
  tenant_id: string;
  enable: boolean;
  address: string;
  port: number;
  secure: boolean;
  status: ConnectorStatus;
  tls: { ca: string; cert: string } | null;
  created_at?: Date;
}

export interface ConnectorListQuery extends PageRequest {
  enable?: boolean;
}

const DEFAULT_ENGINE_TIMEOUT_MS = 5000;

function toView(connector: ConnectorDocument): ConnectorView {
  return {
    uid: connector.uid,
    tenant_id: connector.tenant_id,
    enable: connector.enable,
    address: connector.address,
    port: connector.port,
    secure: connector.secure,
    status: connector.status ?? { state: 'unknown', message: '' },
    tls: connector.tls ? { ca: connector.tls.ca, cert: connector.tls.cert } : null,
    created_at: connector.created_at,
  };
}

@Injectable()
export class ConnectorsService {
  private readonly logger = new Logger(ConnectorsService.name);
  private readonly secrets: SecretBox;

  constructor(
    private readonly connectors: ConnectorsRepository,
    @Inject(PLATFORM_KEYS) keys: PlatformKeys,
    @Inject(CONNECTORS_OPTIONS) private readonly options: ConnectorsOptions,
  ) {
    this.secrets = new SecretBox(keys, 'connector-tls');
  }

  async create(scope: TenantScope, input: ConnectorInput): Promise<ConnectorView> {
    const secure = input.secure ?? false;
    requireTlsWhenSecure(secure, input.tls);
    const created = await this.connectors.create(scope, {
      uid: randomUUID(),
      enable: input.enable ?? true,
      address: input.address,
      port: input.port,
      secure,
      tls: input.tls ? this.sealed(input.tls) : null,
      status: { state: 'unknown', message: '' },
    });
    return toView(created);
  }

  async list(scope: TenantScope, query: ConnectorListQuery): Promise<Page<ConnectorView>> {
    const filter = query.enable === undefined ? {} : { enable: query.enable };
    const [total, connectors] = await Promise.all([
      this.connectors.count(scope, filter),
      this.connectors.find(scope, filter, { sort: { created_at: 1, uid: 1 }, ...pageWindow(query) }),
    ]);
    return { items: connectors.map(toView), total };
  }

  async get(scope: TenantScope, uid: string): Promise<ConnectorView> {
    return toView(await this.connector(scope, uid));
  }

  /** Fields left out keep their values; `tls: null` removes the TLS material. */
  async update(scope: TenantScope, uid: string, change: Partial<ConnectorInput>): Promise<ConnectorView> {
    const current = await this.connector(scope, uid);
    const secure = change.secure ?? current.secure;
    const tls = change.tls === undefined ? current.tls : change.tls && this.sealed(change.tls);
    requireTlsWhenSecure(secure, tls);
    const set: Partial<Omit<ConnectorDocument, 'tenant_id'>> = {
      secure,
      tls,
      status: { state: 'unknown', message: '' },
    };
    if (change.enable !== undefined) set.enable = change.enable;
    if (change.address !== undefined) set.address = change.address;
    if (change.port !== undefined) set.port = change.port;
    if (!(await this.connectors.updateOne(scope, { uid }, { $set: set })))
      throw AppException.notFound('connector');
    return this.get(scope, uid);
  }

  async delete(scope: TenantScope, uid: string): Promise<void> {
    if (!(await this.connectors.deleteOne(scope, { uid }))) throw AppException.notFound('connector');
  }

  /**
   * The engine's `docker info`, asked now. An engine that does not answer is a 502 that says why, and the answer
   * (or its absence) becomes the connector's status.
   */
  async engineInfo(scope: TenantScope, uid: string): Promise<Record<string, unknown>> {
    const connector = await this.connector(scope, uid);
    if (!connector.enable) throw AppException.validation('the connector is disabled; enable it first');
    const where = `${connector.address}:${connector.port}`;
    const ip = await resolveEngineAddress(connector.address, this.options.allowPrivateAddresses);
    try {
      const info = (await this.engine(connector, ip).info()) as Record<string, unknown>;
      await this.recordStatus(scope, uid, { state: 'connected', message: '' });
      return info;
    } catch (error) {
      // The cause (refused, timed out, TLS) stays in the server's log: told to the caller, or kept in the status
      // it can read, it would map which hosts and ports answer.
      const reason = error instanceof Error ? error.message : String(error);
      this.logger.warn({ tenantId: scope.tenantId, connector: uid, engine: where, reason }, ENGINE_UNREACHABLE);
      await this.recordStatus(scope, uid, { state: 'disconnected', message: ENGINE_UNREACHABLE });
      throw AppException.upstreamUnavailable(ENGINE_UNREACHABLE);
    }
  }

  /** A Docker client that dials the checked address, keeping the name for TLS verification. */
  private engine(connector: ConnectorDocument, ip: string): Docker {
    const family = isIP(ip);
    const lookup: LookupFunction = (_hostname, options, callback) => {
      if (options.all) callback(null, [{ address: ip, family }]);
      else callback(null, ip, family);
    };
    const agent = connector.secure
      ? new HttpsAgent({
          lookup,
          ca: connector.tls?.ca,
          cert: connector.tls?.cert,
          key: connector.tls ? this.secrets.open(connector.tls.key_sealed) : undefined,
        })
      : new HttpAgent({ lookup });
    // docker-modem honours `agent`, which its type definitions leave out.
    const options: Docker.DockerOptions & { agent: HttpAgent } = {
      host: connector.address,
      port: connector.port,
      protocol: connector.secure ? 'https' : 'http',
      agent,
      timeout: this.options.engineTimeoutMs ?? DEFAULT_ENGINE_TIMEOUT_MS,
    };
    return new Docker(options);
  }

  private async recordStatus(scope: TenantScope, uid: string, status: ConnectorStatus): Promise<void> {
    await this.connectors.updateOne(scope, { uid }, { $set: { status } });
  }

  private sealed(tls: ConnectorTlsInput): NonNullable<ConnectorDocument['tls']> {
    return { ca: tls.ca, cert: tls.cert, key_sealed: this.secrets.seal(tls.key) };
  }

  private async connector(scope: TenantScope, uid: string): Promise<ConnectorDocument> {
    const connector = await this.connectors.findOne(scope, { uid });
    if (!connector) throw AppException.notFound('connector');
    return connector;
  }
}

function requireTlsWhenSecure(secure: boolean, tls: unknown): void {
  if (secure && !tls) throw AppException.validation('tls (ca, cert and key) is required when secure is true');
}
