import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { HealthReport } from '@fleetgate/contracts';

/** Metrics in a text exposition format of their own (Prometheus'), rather than the JSON counters. */
export interface MetricsText {
  contentType: string;
  body: string;
}

export interface HealthServer {
  readonly port: number;
  close(): Promise<void>;
}

/**
 * A minimal HTTP listener for apps that serve no HTTP of their own (worker, the gateway's HTTP side): `GET /healthz`
 * and `GET /readyz` answer 200 when every dependency answers and 503 otherwise (readiness: take the process out of
 * rotation), `GET /livez` answers 200 while the event loop turns (liveness: restart the process only when it does
 * not), for load balancers, Kubernetes probes and process supervisors.
 */
export async function startHealthServer(
  host: string,
  port: number,
  report: () => Promise<HealthReport>,
  /** WebSocket upgrades on the same listener (the gateway's agent tunnels); refused when absent. */
  onUpgrade?: (request: IncomingMessage, socket: Duplex, head: Buffer) => void,
  /**
   * `GET /metrics`: counters served as JSON (the gateway's sessions and streams), or a text exposition (the
   * worker's Prometheus registry); 404 when absent.
   */
  metrics?: () => Record<string, number> | Promise<MetricsText>,
  /** `GET /metrics?format=json`: plain counters for tests and scripts that would rather not parse Prometheus text. */
  jsonCounters?: () => Record<string, number>,
  /**
   * `exclusive`: in a cluster worker, a port of this process's own rather than one shared through the primary (the
   * gateway's per-process pickup listener).
   */
  options: { exclusive?: boolean } = {},
): Promise<HealthServer> {
  const server: Server = createServer((request, response) => {
    if (request.method === 'GET' && request.url === '/livez') {
      // Liveness says only that the process answers: a database outage must not get every replica restarted.
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
      return;
    }
    if (jsonCounters && request.method === 'GET' && request.url === '/metrics?format=json') {
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(jsonCounters()));
      return;
    }
    if (metrics && request.method === 'GET' && request.url === '/metrics') {
      new Promise<Record<string, number> | MetricsText>((resolve) => resolve(metrics()))
        .then(
          (value) => {
            if (isMetricsText(value)) response.writeHead(200, { 'content-type': value.contentType }).end(value.body);
            else response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(value));
          },
          () => response.writeHead(503, { 'content-type': 'application/json' }).end('{"status":"unavailable"}'),
        );
      return;
    }
    if (request.method !== 'GET' || !['/healthz', '/healthcheck', '/readyz'].includes(request.url ?? '')) {
      response.writeHead(404, { 'content-type': 'application/json' }).end('{"code":"not_found","message":"not found"}');
      return;
    }
    report().then(
      (body) => response.writeHead(body.status === 'ok' ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify(body)),
      () => response.writeHead(503, { 'content-type': 'application/json' }).end('{"status":"unavailable"}'),
    );
  });
  server.on('upgrade', (request, socket, head) => {
    socket.on('error', () => undefined);
    if (onUpgrade) onUpgrade(request, socket, head);
    else socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
  });
  server.on('connection', (socket) => socket.setNoDelay(true));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, host, exclusive: options.exclusive ?? false }, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function isMetricsText(value: Record<string, number> | MetricsText): value is MetricsText {
  return typeof (value as MetricsText).contentType === 'string' && typeof (value as MetricsText).body === 'string';
}
