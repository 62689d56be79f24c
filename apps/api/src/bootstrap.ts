import { NestFactory } from '@nestjs/core';
import type { INestApplication } from '@nestjs/common';
import type { CorsOptions } from '@nestjs/common/interfaces/external/cors-options.interface';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Request as ExpressRequest, Response as ExpressResponse } from 'express';
import type { OpenAPIObject } from '@nestjs/swagger';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import helmet from 'helmet';
import { Logger } from 'nestjs-pino';
import type { ApiConfig } from '@fleetgate/config';
import { FLEETGATE_VERSION } from '@fleetgate/contracts';
import { AppExceptionFilter, createValidationPipe, verifyJsonDepth } from '@fleetgate/errors';
import { EmptyQueryValuesPipe, emptyQueryValueNote } from '@fleetgate/listing';
import { AppMetrics } from '@fleetgate/observability';
import { AppModule } from './app.module';
import { billingWebhookPaths } from './app/billing/billing.controller';
import { rawBody } from './app/billing/raw-body.middleware';

/** Builds the API application with its pipes, filter and OpenAPI document, without listening. */
export async function createApiApplication(config: ApiConfig): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), { bufferLogs: true });
  app.useLogger(app.get(Logger));
  timeRequests(app, app.get(AppMetrics));
  // Security headers on every answer, the documentation page's included (helmet's defaults allow its own scripts).
  app.use(helmet());
  app.enableCors(corsOptions(config.http.corsAllowedOrigins));
  // Empty query values are dropped first, so that validation sees them as absent (ShellHub's clients send them).
  app.useGlobalPipes(new EmptyQueryValuesPipe(), createValidationPipe());
  app.useGlobalFilters(new AppExceptionFilter());
  // Stripe signs the bytes it sends: its webhook gets them untouched (a Buffer), whatever the content type, and the
  // JSON parser below skips a body already read. Only these paths: nowhere else is a raw body kept.
  for (const path of billingWebhookPaths) app.use(path, rawBody(1024 * 1024));
  app.useBodyParser('json', { limit: '1mb', verify: verifyJsonDepth() });
  app.disable('x-powered-by');
  // Forwarded-address headers are believed only from configured proxies (field-lessons section 4).
  app.set('trust proxy', config.http.trustedProxies.length > 0 ? config.http.trustedProxies : false);

  const document = buildOpenApiDocument(app);
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/openapi.json' });
  return app;
}

/** Headers a browser page of another origin may send and read, when its origin is allowed at all. */
const corsRequestHeaders = ['Authorization', 'Content-Type', 'X-API-KEY', 'X-Tenant-ID', 'X-Request-Id'];
const corsResponseHeaders = [
  'X-Total-Count',
  'X-MFA-Token',
  'X-Account-Lockout',
  'X-Expires-At',
  'X-Tenant-ID',
  'X-Role',
  'X-Request-Id',
  'Retry-After',
];

/**
 * Strict CORS: only the configured origins (CORS_ALLOWED_ORIGINS, none by default: the UI is same-origin) get
 * `Access-Control-Allow-Origin`; any other origin's preflight gets no grant, so its browser refuses the call. No
 * credentials mode: the API authenticates with headers, never cookies.
 */
export function corsOptions(allowedOrigins: readonly string[]): CorsOptions {
  const allowed = new Set(allowedOrigins);
  return {
    origin: (origin, callback) => callback(null, origin !== undefined && allowed.has(origin)),
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowedHeaders: corsRequestHeaders,
    exposedHeaders: corsResponseHeaders,
    credentials: false,
    maxAge: 600,
  };
}

/** The API's OpenAPI document: served at /api/openapi.json and written by `openapi-document.ts` for the UI client. */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  return SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Fleetgate API')
      .setDescription(`Compatible with the ShellHub Cloud API 0.17.1 contract. Query parameters: ${emptyQueryValueNote}`)
      .setVersion(FLEETGATE_VERSION)
      .addBearerAuth()
      .addApiKey({ type: 'apiKey', in: 'header', name: 'X-API-KEY' }, 'api-key')
      // The contract's internal routes: platform services only (INTERNAL_API_TOKEN).
      .addApiKey({ type: 'apiKey', in: 'header', name: 'X-Internal-Token' }, 'internal-token')
      .build(),
  );
}

/**
 * Every request's duration into `fleetgate_http_request_duration_seconds`, labelled with the route's template as
 * Express matched it (`/api/devices/:uid`), or `unmatched`, so that the series stay few whatever paths are asked.
 */
function timeRequests(app: NestExpressApplication, metrics: AppMetrics): void {
  app.use((request: ExpressRequest, response: ExpressResponse, next: () => void) => {
    const started = process.hrtime.bigint();
    response.once('finish', () => {
      const route = (request.route as { path?: unknown } | undefined)?.path;
      // Nest answers unknown paths through a catch-all route (`/{*path}`): those count as one series too.
      const template = typeof route === 'string' && !route.includes('*') ? `${request.baseUrl}${route}` : 'unmatched';
      metrics.observeHttp(request.method, template, response.statusCode, Number(process.hrtime.bigint() - started) / 1e9);
    });
    next();
  });
}
