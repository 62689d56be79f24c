import { Inject, Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { type PlatformKeys, signDeviceToken, verifyDeviceToken } from '@fleetgate/auth';
import {
  type DeviceDocument,
  type DeviceInfo,
  DevicesRepository,
  isDuplicateKeyError,
  NamespacesRepository,
  tenantScope,
  type TenantScope,
} from '@fleetgate/data-access';
import { AppException } from '@fleetgate/errors';
import { GeoLocator } from '@fleetgate/geoip';
import { PLATFORM_KEYS } from '@fleetgate/identity';
import { DeviceAdmissionRepository } from '@fleetgate/queue';
import { deviceUid } from './device-uid';

/** What an agent sends to `POST /api/devices/auth`. */
export interface DeviceAuthRequest {
  info: DeviceInfo;
  /** Null or absent when the agent identifies itself by hostname only. */
  identity?: { mac: string } | null;
  hostname?: string;
  public_key: string;
  tenant_id: string;
  /** Sessions to keep alive; accepted for compatibility, used once sessions exist. */
  sessions?: string[];
}

export interface DeviceAuthResponse {
  uid: string;
  /** The device token (RS256 JWT) the agent presents to the tunnel and the API. */
  token: string;
  name: string;
  /** The namespace's name. */
  namespace: string;
}

/** Fields every registration call overwrites; name and status are set once, when the device is first seen. */
type ReportedFields = Pick<
  DeviceDocument,
  'identity' | 'info' | 'public_key' | 'last_seen' | 'remote_addr' | 'position'
>;

/** Enough tries to get past a concurrent registration of the same device and a taken name or two. */
const MAX_UPSERT_ATTEMPTS = 5;
const DEVICE_NAME_MAX_LENGTH = 64;

@Injectable()
export class DeviceRegistrationService {
  constructor(
    @Inject(PLATFORM_KEYS) private readonly keys: PlatformKeys,
    private readonly devices: DevicesRepository,
    private readonly namespaces: NamespacesRepository,
    private readonly geoLocator: GeoLocator,
    private readonly admissionStates: DeviceAdmissionRepository,
  ) {}

  /** Registers a device, or refreshes what it reports if it is known, and issues its token. */
  /**
   * `POST /api/auth/ssh`: a ShellHub agent asks the platform to sign a challenge with the ephemeral key its gateway
   * minted for a login. Fleetgate's gateway logs in to devices with session assertions instead (ADR 0002) and
   * mints no such keys, so a valid device learns that no key has this fingerprint; anything else is a 401.
   */
  async signLoginChallenge(
    authorization: string | undefined,
    fingerprint: string,
  ): Promise<{ signature: string }> {
    const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
    const claims = token ? verifyDeviceToken(this.keys, token) : null;
    if (!claims) throw AppException.unauthorized('a device token is required');
    const device = await this.devices.findOne(tenantScope(claims.tenant), { uid: claims.uid });
    if (!device || device.status === 'removed')
      throw AppException.unauthorized('the device is not registered');
    throw AppException.notFound(`login key ${fingerprint}`);
  }

  async register(request: DeviceAuthRequest, remoteAddress: string): Promise<DeviceAuthResponse> {
    const scope = tenantScope(request.tenant_id);
    const initialName = initialDeviceName(request);
    const namespace = await this.namespaces.findOne(scope, {});
    if (!namespace) throw AppException.notFound('namespace');

    const uid = deviceUid({
      identity: request.identity ?? undefined,
      publicKey: request.public_key,
      tenantId: scope.tenantId,
    });
    const address = withoutIpv4MappedPrefix(remoteAddress);
    const { device, created } = await this.upsert(scope, uid, initialName, {
      identity: { mac: request.identity?.mac ?? '' },
      info: {
        id: request.info.id,
        pretty_name: request.info.pretty_name,
        version: request.info.version,
        arch: request.info.arch,
        platform: request.info.platform,
      },
      public_key: request.public_key,
      last_seen: new Date(),
      remote_addr: address,
      // The registration's verified client address (X-Real-IP is believed only from trusted proxies).
      position: this.geoLocator.locate(address),
    });
    // A device created anew (perhaps after being deleted) replaces whatever the tunnel admission remembered; a known
    // device keeps the state its last status change wrote, which a concurrent change must not lose to this one.
    if (created) await this.admissionStates.record(scope.tenantId, uid, device.status);
    else await this.admissionStates.remember(scope.tenantId, uid, device.status);
    return {
      uid,
      token: signDeviceToken(this.keys, { uid, tenantId: scope.tenantId }),
      name: device.name,
      namespace: namespace.name,
    };
  }

  private async upsert(
    scope: TenantScope,
    uid: string,
    name: string,
    reported: ReportedFields,
  ): Promise<{ device: DeviceDocument; created: boolean }> {
    for (let attempt = 0; attempt < MAX_UPSERT_ATTEMPTS; attempt++) {
      const known = await this.devices.updateOne(scope, { uid }, { $set: reported });
      if (known) return { device: known, created: false };
      try {
        const device = await this.devices.create(scope, {
          uid,
          // Registration never fails over a name: a device whose name is taken gets a short suffix.
          name: attempt === 0 ? name : withRandomSuffix(name),
          status: 'pending',
          status_updated_at: new Date(),
          online: false,
          tags: [],
          public_url: false,
          ...reported,
        });
        return { device, created: true };
      } catch (error) {
        // Either the same device registered concurrently (the next update finds it) or the name is taken.
        if (!isDuplicateKeyError(error)) throw error;
      }
    }
    throw new Error(`device ${uid} could not be registered after ${MAX_UPSERT_ATTEMPTS} attempts`);
  }
}

/** The lower-cased hostname, else the MAC with '-' for ':' (for example 00-11-22-33-44-55). */
function initialDeviceName(request: Pick<DeviceAuthRequest, 'hostname' | 'identity'>): string {
  if (request.hostname) return request.hostname.toLowerCase();
  const mac = request.identity?.mac ?? '';
  if (mac === '') throw AppException.validation('hostname or identity.mac is required');
  return mac.replace(/:/g, '-').toLowerCase();
}

function withRandomSuffix(name: string): string {
  const suffix = randomBytes(2).toString('hex');
  return `${name.slice(0, DEVICE_NAME_MAX_LENGTH - suffix.length - 1)}-${suffix}`;
}

/** Node reports IPv4 clients of a dual-stack socket as ::ffff:a.b.c.d; store the address the device has. */
function withoutIpv4MappedPrefix(address: string): string {
  return /^::ffff:\d+\.\d+\.\d+\.\d+$/i.test(address) ? address.slice(7) : address;
}
