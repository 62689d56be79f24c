import { type ArgumentsHost, Catch, type ExceptionFilter, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Request, Response } from 'express';
import { type ErrorBody, ErrorCode } from '@fleetgate/contracts';
import { redactQuerySecrets } from '@fleetgate/logging';
import { httpStatusOf } from './http-status';
import { toAppException } from './to-app-exception';

/**
 * The one HTTP error filter: every error leaves the API as `ErrorBody` with a status derived from its code, except
 * the few whose body ShellHub's contract fixes (`AppException.contractBody`).
 */
@Catch()
export class AppExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('AppExceptionFilter');

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const response = http.getResponse<Response>();
    const request = http.getRequest<Request & { id?: string }>();
    const known = toAppException(error);

    if (known) {
      const body: ErrorBody = { code: known.code, message: known.message };
      if (known.details !== undefined) body.details = known.details;
      for (const [name, value] of Object.entries(known.headers)) response.setHeader(name, value);
      response.status(httpStatusOf(known.code)).json(known.contractBody ?? body);
      return;
    }

    const errorId = randomUUID();
    this.logger.error(
      { err: error, errorId, requestId: request?.id, method: request?.method, url: request?.originalUrl && redactQuerySecrets(request.originalUrl) },
      'unhandled error',
    );
    const body: ErrorBody = { code: ErrorCode.Internal, message: 'internal server error', errorId };
    response.status(500).json(body);
  }
}
