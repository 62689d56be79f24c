import cluster from 'node:cluster';
import { hostname } from 'node:os';

/** The variable with which the primary tells each gateway worker its index (`SshConfig.processIndex`). */
export const GATEWAY_INDEX_VARIABLE = 'SSH_PROCESS_INDEX';

/** What the pickup address is made of (`SshConfig`'s `http` and `pickup`). */
export interface PickupSettings {
  http: { host: string };
  pickup: { url?: string; host?: string };
}

/** This worker's index among the machine's gateway processes, or undefined when it runs alone. */
export function gatewayIndex(config: { processIndex?: number }, isWorker = cluster.isWorker): number | undefined {
  return isWorker ? (config.processIndex ?? 0) : undefined;
}

/** The host agents dial to reach one of this machine's gateway processes directly. */
export function pickupHost(config: PickupSettings): string {
  const host = config.pickup.host ?? (isWildcard(config.http.host) ? hostname() : config.http.host);
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

/** The pickup URL of a process listening on `port`: TUNNEL_PICKUP_URL when set (one process), else derived. */
export function pickupUrl(config: PickupSettings, port: number, alone: boolean): string {
  if (alone && config.pickup.url) return config.pickup.url;
  return `ws://${pickupHost(config)}:${port}`;
}

function isWildcard(host: string): boolean {
  return host === '0.0.0.0' || host === '::' || host === '[::]';
}
