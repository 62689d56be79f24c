import type { NextFunction, Request, Response } from 'express';
import { AppException } from '@fleetgate/errors';

/**
 * Reads a request body as raw bytes into `req.body` (a Buffer), for a route that verifies a signature over exactly
 * what was sent. Marks the body as read, so the JSON parser mounted after it leaves it alone.
 */
export function rawBody(limitBytes: number) {
  return (request: Request, _response: Response, next: NextFunction): void => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    request.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > limitBytes) {
        failed = true;
        next(AppException.validation('request body is too large'));
        request.resume();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => {
      if (failed) return;
      (request as Request & { _body?: boolean })._body = true;
      request.body = Buffer.concat(chunks);
      next();
    });
    request.on('error', (error) => {
      if (failed) return;
      failed = true;
      next(error);
    });
  };
}
