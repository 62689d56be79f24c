import { timingSafeEqual, createHash } from 'node:crypto';
import {
  applyDecorators,
  type CanActivate,
  createParamDecorator,
  type DynamicModule,
  type ExecutionContext,
  Global,
  Inject,
  Injectable,
  Module,
  SetMetadata,
  UseGuards,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiBearerAuth, ApiForbiddenResponse, ApiSecurity, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { Request } from 'express';
import { type PlatformKeys, verifyDeviceToken } from '@fleetgate/auth';
import { DevicesRepository, type TenantScope, tenantScope } from '@fleetgate/data-access';
import { AppException } from '@fleetgate/errors';
import { PLATFORM_KEYS } from './platform-keys.module';

/** The header internal services send their credential (`INTERNAL_API_TOKEN`) in. */
export const INTERNAL_TOKEN_HEADER = 'x-internal-token';

/** Who called an internal route: a registered device (its token), or a platform service (the configured credential). */
export type InternalCaller = { kind: 'device'; uid: string; tenantId: string } | { kind: 'service' };
export type InternalCallerKind = InternalCaller['kind'];

const ACCEPTED_CALLERS = 'fleetgate:internal-callers';
const INTERNAL_CREDENTIALS = Symbol('INTERNAL_CREDENTIALS');

export interface InternalCredentialsOptions {
  /** The internal services' credential; without one only device tokens are accepted. */
  token?: string;
}

type InternalRequest = Request & { internalCaller?: InternalCaller };

/**
 * The one guard of the contract's internal routes (the ones ShellHub's gateway and agents call): never the public,
 * never a member. A device proves itself with its token (and must still be registered); a platform service with
 * `X-Internal-Token`, compared in constant time. Each route names which of the two it serves.
 */
@Injectable()
export class InternalCallerGuard implements CanActivate {
  private readonly tokenDigest: Buffer | null;

  constructor(
    @Inject(PLATFORM_KEYS) private readonly keys: PlatformKeys,
    @Inject(INTERNAL_CREDENTIALS) options: InternalCredentialsOptions,
    private readonly devices: DevicesRepository,
    private readonly reflector: Reflector,
  ) {
    this.tokenDigest = options.token ? digest(options.token) : null;
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<InternalRequest>();
    const accepted =
      this.reflector.getAllAndOverride<InternalCallerKind[] | undefined>(ACCEPTED_CALLERS, [
        context.getHandler(),
        context.getClass(),
      ]) ?? [];
    const caller = await this.identify(request, accepted);
    if (!caller) throw AppException.unauthorized('an internal service credential or a device token is required');
    request.internalCaller = caller;
    return true;
  }

  private async identify(request: Request, accepted: InternalCallerKind[]): Promise<InternalCaller | null> {
    const presented = request.get(INTERNAL_TOKEN_HEADER);
    if (presented !== undefined) {
      if (!accepted.includes('service') || !this.tokenDigest) return null;
      // Digests have one length, so the comparison neither throws nor leaks the length of the credential.
      return timingSafeEqual(digest(presented), this.tokenDigest) ? { kind: 'service' } : null;
    }
    if (!accepted.includes('device')) return null;
    const token = /^Bearer\s+(\S+)$/i.exec(request.get('authorization') ?? '')?.[1];
    const claims = token ? verifyDeviceToken(this.keys, token) : null;
    if (!claims) return null;
    let scope: TenantScope;
    try {
      scope = tenantScope(claims.tenant);
    } catch {
      // A token whose tenant is not a tenant id is no credential, not a malformed request.
      return null;
    }
    const device = await this.devices.findOne(scope, { uid: claims.uid });
    if (!device || device.status === 'removed') return null;
    return { kind: 'device', uid: device.uid, tenantId: device.tenant_id };
  }
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/** Puts a route behind `InternalCallerGuard`, for the callers it names. */
export function InternalRoute(...callers: InternalCallerKind[]): ClassDecorator & MethodDecorator {
  return applyDecorators(
    SetMetadata(ACCEPTED_CALLERS, callers),
    UseGuards(InternalCallerGuard),
    ...(callers.includes('device') ? [ApiBearerAuth()] : []),
    ...(callers.includes('service') ? [ApiSecurity('internal-token')] : []),
    ApiUnauthorizedResponse({
      description: `Only for ${callers.map((caller) => (caller === 'device' ? 'a device token' : 'the internal service credential (X-Internal-Token)')).join(' or ')}.`,
    }),
    ApiForbiddenResponse({ description: 'A device may act only on itself.' }),
  );
}

/** Who `InternalCallerGuard` let through. */
export const CurrentInternalCaller = createParamDecorator((_: unknown, context: ExecutionContext): InternalCaller => {
  const caller = context.switchToHttp().getRequest<InternalRequest>().internalCaller;
  if (!caller) throw new Error('@CurrentInternalCaller() needs a route behind @InternalRoute()');
  return caller;
});

/** The internal services' credential from config, for `InternalCallerGuard`. Needs `PlatformKeysModule`. */
@Global()
@Module({})
export class InternalCredentialsModule {
  static forRoot(options: InternalCredentialsOptions): DynamicModule {
    return {
      module: InternalCredentialsModule,
      providers: [{ provide: INTERNAL_CREDENTIALS, useValue: options }, InternalCallerGuard],
      exports: [INTERNAL_CREDENTIALS, InternalCallerGuard],
    };
  }
}
