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
import {
  isFresh,
  parseRegistrationProof,
  type RegistrationProof,
  type RegistrationProofHeaders,
  verifiesWith,
} from './registration-proof';
import { RegistrationReplayRepository } from './registration-replay.repository';

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

/**
 * Fields every registration call overwrites; name and status are set once, when the device is first seen.
 * Never `online` or `last_seen`: only a live tunnel makes a device online (the gateway's presence in Redis).
 */
type ReportedFields = Pick<DeviceDocument, 'identity' | 'info' | 'public_key' | 'remote_addr' | 'position'>;

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
    private readonly replays: RegistrationReplayRepository,
    private readonly admissionStates: DeviceAdmissionRepository,
  ) {}

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

  /**
   * Registers a device, or refreshes what it reports if it is known, and issues its token.
   *
   * Re-registering a known device needs a signature by the device's private key, checked against the stored public
   * key (docs/device-registration.md): the tenant, MAC and public key that make up a registration are visible to
   * anyone who can read the device, so without it anyone could take the device's token and tunnel. An unsigned
   * registration is accepted only for a device never seen before (ShellHub agents sign nothing).
   */
  async register(
    request: DeviceAuthRequest,
    remoteAddress: string,
    proofHeaders: RegistrationProofHeaders = {},
  ): Promise<DeviceAuthResponse> {
    const proof = parseRegistrationProof(proofHeaders);
    const scope = tenantScope(request.tenant_id);
    const initialName = initialDeviceName(request);
    const namespace = await this.namespaces.findOne(scope, {});
    if (!namespace) throw AppException.notFound('namespace');

    const uid = deviceUid({
      identity: request.identity ?? undefined,
      publicKey: request.public_key,
      tenantId: scope.tenantId,
    });
    const known = await this.devices.findOne(scope, { uid });
    if (proof) await this.checkProof(request, proof, known?.public_key ?? request.public_key);
    else if (known) throw unsignedReRegistration();
    const address = withoutIpv4MappedPrefix(remoteAddress);
    const { device, created } = await this.upsert(scope, uid, initialName, proof !== null, {
      identity: { mac: request.identity?.mac ?? '' },
      info: {
        id: request.info.id,
        pretty_name: request.info.pretty_name,
        version: request.info.version,
        arch: request.info.arch,
        platform: request.info.platform,
      },
      public_key: request.public_key,
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

  private async checkProof(request: DeviceAuthRequest, proof: RegistrationProof, publicKeyPem: string): Promise<void> {
    if (!isFresh(proof, Date.now()))
      throw AppException.unauthorized(
        'the registration signature is stale: X-Fleetgate-Timestamp must be within 5 minutes of the server clock',
      );
    if (!verifiesWith(publicKeyPem, request, proof))
      throw AppException.unauthorized('the registration signature does not match the device’s public key');
    if (!(await this.replays.claim(proof.signature)))
      throw AppException.unauthorized('this signed registration was already used; sign a new one');
  }

  /**
   * Creates the device, or (only when the registration was signed) refreshes a known one. An unsigned registration
   * that finds the device created meanwhile by a concurrent registration is refused like any unsigned re-registration.
   */
  private async upsert(
    scope: TenantScope,
    uid: string,
    name: string,
    signed: boolean,
    reported: ReportedFields,
  ): Promise<{ device: DeviceDocument; created: boolean }> {
    for (let attempt = 0; attempt < MAX_UPSERT_ATTEMPTS; attempt++) {
      if (signed) {
        const known = await this.devices.updateOne(scope, { uid }, { $set: reported });
        if (known) return { device: known, created: false };
      } else if (attempt > 0 && (await this.devices.findOne(scope, { uid }))) {
        throw unsignedReRegistration();
      }
      try {
        const device = await this.devices.create(scope, {
          uid,
          // Registration never fails over a name: a device whose name is taken gets a short suffix.
          name: attempt === 0 ? name : withRandomSuffix(name),
          status: 'pending',
          status_updated_at: new Date(),
          last_seen: new Date(0),
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

function unsignedReRegistration(): AppException {
  return AppException.unauthorized(
    'this device is already registered: registering it again needs a signature by its private key ' +
      '(X-Fleetgate-Signature and X-Fleetgate-Timestamp, see docs/device-registration.md); nothing was changed',
  );
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
