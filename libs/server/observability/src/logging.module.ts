import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { loggerOptions, redactQuerySecrets } from '@fleetgate/logging';

export const REQUEST_ID_HEADER = 'x-request-id';
const acceptableRequestId = /^[A-Za-z0-9._-]{8,64}$/;

/** Keeps a caller's request id when it looks like one (so traces join up across services), else makes one. */
export function requestIdOf(request: IncomingMessage, response: ServerResponse): string {
  const incoming = request.headers[REQUEST_ID_HEADER];
  const id = typeof incoming === 'string' && acceptableRequestId.test(incoming) ? incoming : randomUUID();
  response.setHeader('X-Request-Id', id);
  return id;
}

/** What a request log line says about the request: the URL without the secrets its query string may carry. */
export function serializeRequest(request: { id: string; method: string; url: string }): { id: string; method: string; url: string } {
  return { id: request.id, method: request.method, url: redactQuerySecrets(request.url) };
}

/** Structured request logging for an HTTP app: one line per request, with its id, secrets redacted. */
@Module({})
export class LoggingModule {
  static forRoot(settings: { service: string; level: string }): DynamicModule {
    return {
      module: LoggingModule,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: {
            ...loggerOptions(settings),
            genReqId: requestIdOf,
            customAttributeKeys: { reqId: 'requestId' },
            serializers: { req: serializeRequest },
          },
        }),
      ],
      exports: [LoggerModule],
    };
  }
}
