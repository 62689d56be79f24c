import type { Page, PageRequest } from '@fleetgate/data-access';
import { AppException } from '@fleetgate/errors';
import type { GatewayCommand, GatewayProcessReport, GatewayProcessStatus, LiveConnection } from '@fleetgate/queue';

/** The Redis side the admin API reads (`GatewayFleetRepository`). */
export interface GatewayFleetReader {
  reports(): Promise<GatewayProcessReport[]>;
  send(command: GatewayCommand): Promise<number>;
}

/** A live connection as the admin API lists it. */
export interface LiveConnectionView {
  id: string;
  /** The gateway process that holds it. */
  process: string;
  address: string;
  user: string;
  device: string;
  tenant_id: string | null;
  started_at: string;
  bytes_in: number;
  bytes_out: number;
}

export interface GatewayProcessView {
  id: string;
  hostname: string;
  pid: number;
  listening: boolean;
  address: string;
  connection_count: number;
  started_at: string;
  uptime_seconds: number;
  version: string;
}

/** The live connections and status of every gateway process, as they published them to Redis. */
export class LiveConnectionsService {
  constructor(private readonly fleet: GatewayFleetReader) {}

  async list(page: PageRequest): Promise<Page<LiveConnectionView>> {
    const reports = await this.fleet.reports();
    const all = reports
      .flatMap((report) => report.connections.map((connection) => toView(report.status.id, connection)))
      .sort((first, second) => first.started_at.localeCompare(second.started_at) || first.id.localeCompare(second.id));
    const start = (page.page - 1) * page.perPage;
    return { items: all.slice(start, start + page.perPage), total: all.length };
  }

  async status(): Promise<GatewayProcessView[]> {
    return (await this.fleet.reports()).map((report) => processView(report.status));
  }

  /** Asks the process holding the connection to end it. A 404 when no live process lists it. */
  async disconnect(connectionId: string, reason = 'The connection was ended by an administrator.'): Promise<void> {
    const reports = await this.fleet.reports();
    const holder = reports.find((report) => report.connections.some((connection) => connection.id === connectionId));
    if (!holder) throw AppException.notFound('live connection');
    await this.fleet.send({ type: 'disconnect', processId: holder.status.id, connectionId, reason });
  }
}

function toView(processId: string, connection: LiveConnection): LiveConnectionView {
  return {
    id: connection.id,
    process: processId,
    address: connection.address,
    user: connection.user,
    device: connection.device,
    tenant_id: connection.tenantId || null,
    started_at: connection.startedAt,
    bytes_in: connection.bytesIn,
    bytes_out: connection.bytesOut,
  };
}

function processView(status: GatewayProcessStatus): GatewayProcessView {
  return {
    id: status.id,
    hostname: status.hostname,
    pid: status.pid,
    listening: status.listening,
    address: status.address,
    connection_count: status.connectionCount,
    started_at: status.startedAt,
    uptime_seconds: status.uptimeSeconds,
    version: status.version,
  };
}
