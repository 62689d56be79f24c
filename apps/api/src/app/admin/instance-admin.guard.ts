import { applyDecorators, type CanActivate, type ExecutionContext, Inject, Injectable, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { Request } from 'express';
import { BlockList, isIPv4, isIPv6 } from 'node:net';
import { UsersRepository } from '@fleetgate/data-access';
import { AppException } from '@fleetgate/errors';
import { MemberAuthenticationService } from '@fleetgate/identity';
import { clientAddressOf } from '../common/client-address.decorator';

export const ADMIN_OPTIONS = Symbol('ADMIN_OPTIONS');

export interface AdminOptions {
  /** CIDRs of the client addresses that may use `/admin/api` (ADMIN_ALLOWED_CLIENTS, seed 000's AllowedAdminClients). */
  allowedClients: string[];
}

/** The allowed client networks as a `BlockList`, which matches addresses against subnets of either family. */
export function allowedClientList(cidrs: readonly string[]): BlockList {
  const list = new BlockList();
  for (const cidr of cidrs) {
    const [address, prefix] = cidr.split('/');
    list.addSubnet(address, Number(prefix), isIPv6(address) ? 'ipv6' : 'ipv4');
  }
  return list;
}

/** Whether `address` lies in the list; an IPv4 client of a dual-stack listener arrives as ::ffff:a.b.c.d. */
export function isAllowedClient(list: BlockList, address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  const plain = mapped ? mapped[1] : address;
  if (isIPv4(plain)) return list.check(plain, 'ipv4');
  if (isIPv6(plain)) return list.check(plain, 'ipv6');
  return false;
}

/**
 * Every `/admin/api` route: the caller must come from an allowed admin client address (as the API believes it:
 * X-Real-IP only from TRUSTED_PROXIES), and hold a user token of an instance administrator (the `admin` flag the
 * CLI sets). Namespace roles never grant it, and API keys, which belong to a namespace, are refused.
 */
@Injectable()
export class InstanceAdminGuard implements CanActivate {
  private readonly allowed: BlockList;

  constructor(
    @Inject(ADMIN_OPTIONS) options: AdminOptions,
    private readonly authentication: MemberAuthenticationService,
    private readonly users: UsersRepository,
  ) {
    this.allowed = allowedClientList(options.allowedClients);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<Request>();
    if (!isAllowedClient(this.allowed, clientAddressOf(request))) {
      throw AppException.forbidden('instance administration is not allowed from this client address');
    }
    this.authentication.refuseApiKey(request.get('x-api-key'));
    const caller = await this.authentication.authenticateUser(request.get('authorization'));
    const user = await this.users.findById(caller.userId);
    if (user?.admin !== true) throw AppException.forbidden('only instance administrators may do this');
    return true;
  }
}

/** Puts a controller behind `InstanceAdminGuard`. */
export function InstanceAdminOnly(): ClassDecorator {
  return applyDecorators(
    UseGuards(InstanceAdminGuard),
    ApiBearerAuth(),
    ApiUnauthorizedResponse({ description: 'Missing, invalid or expired token.' }),
    ApiForbiddenResponse({ description: 'Not an instance administrator, or not from an allowed admin client address.' }),
  );
}
