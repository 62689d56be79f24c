import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { isIP } from 'node:net';

/**
 * The client's address as the platform believes it: X-Real-IP (what ShellHub's nginx sets) or X-Forwarded-For only
 * when the direct peer is a configured trusted proxy, else the peer itself. Clients cannot pick their own address by
 * sending these headers (ShellHub's lockout and GeoIP could be fooled that way).
 */
export function clientAddressOf(request: Request): string {
  const peer = request.socket.remoteAddress ?? '';
  const trusts = request.app.get('trust proxy fn') as ((address: string, hop: number) => boolean) | undefined;
  const realIp = request.get('x-real-ip')?.trim();
  if (realIp && isIP(realIp) !== 0 && trusts?.(peer, 0)) return realIp;
  return request.ip ?? peer;
}

export const ClientAddress = createParamDecorator((_data: unknown, context: ExecutionContext) =>
  clientAddressOf(context.switchToHttp().getRequest<Request>()),
);
