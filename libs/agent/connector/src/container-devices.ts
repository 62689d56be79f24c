import { arch } from 'node:os';
import type { DeviceIdentity } from '@fleetgate/agent-device';

/** The fields of Docker's `GET /containers/json` items the connector reads. */
export interface ContainerSummary {
  Id: string;
  Names: string[];
  Image: string;
  State: string;
}

/** The fields of a Docker `GET /events` message the connector reads. */
export interface EngineEvent {
  Type?: string;
  Action?: string;
  Actor?: { ID?: string; Attributes?: Record<string, string> };
}

export const CONNECTOR_PLATFORM = 'connector';

/** ShellHub's container identity: the first 12 characters of the container id, as `docker ps` shows it. */
export function containerShortId(id: string): string {
  return id.slice(0, 12);
}

/**
 * A running container as a device of its own: identity from the container id, name from the container name
 * (`/telemetry_collector.1` registers as `telemetry_collector-1`), the image as its distribution.
 */
export function containerDeviceIdentity(container: ContainerSummary, agentVersion: string): DeviceIdentity {
  // Dots become dashes rather than cutting the name (as a host name is cut): replicas `svc.1` and `svc.2` stay apart.
  const name = (container.Names[0] ?? '')
    .replace(/^\//, '')
    .replace(/[^A-Za-z0-9_-]/g, '-')
    .slice(0, 64);
  return {
    mac: containerShortId(container.Id),
    hostname: name || containerShortId(container.Id),
    info: {
      id: 'docker',
      pretty_name: container.Image,
      version: agentVersion,
      arch: arch(),
      platform: CONNECTOR_PLATFORM,
    },
  };
}

export function runningContainers(containers: readonly ContainerSummary[]): ContainerSummary[] {
  return containers.filter((container) => container.State === 'running');
}

/** What an engine event means for the set of containers served: one starts, one ends, or nothing. */
export function containerChange(event: EngineEvent): { kind: 'started' | 'stopped'; id: string } | null {
  if (event.Type !== 'container' || !event.Actor?.ID) return null;
  if (event.Action === 'start') return { kind: 'started', id: event.Actor.ID };
  if (event.Action === 'die' || event.Action === 'destroy') return { kind: 'stopped', id: event.Actor.ID };
  return null;
}
