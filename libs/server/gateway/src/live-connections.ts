import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Socket } from 'node:net';
import type { GatewayProcessReport, LiveConnection } from '@fleetgate/queue';

interface TrackedConnection {
  id: string;
  address: string;
  user: string;
  device: string;
  tenantId: string;
  startedAt: Date;
  socket?: Socket;
  disconnect: (reason: string) => void;
}

/** What the session learned once a person logged in. */
export interface LoggedIn {
  user: string;
  device: string;
  tenantId: string;
}

/**
 * The people's connections this gateway process holds, for the admin API's live list: who, from where, to which
 * device, since when, and the bytes their sockets carried. Published to Redis by `GatewayStatusPublisher`; a
 * disconnect from the API reaches the process named in the connection's id.
 */
export class LiveConnectionTracker {
  /** Unique per process start, so ids never collide across processes or restarts. */
  readonly processId = `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  readonly startedAt = new Date();
  private readonly connections = new Map<string, TrackedConnection>();

  /** A connection accepted; `disconnect` ends it with a reason the person is told. Returns its id. */
  opened(sessionId: string, address: string, socket: Socket | undefined, disconnect: (reason: string) => void): string {
    const id = this.idOf(sessionId);
    this.connections.set(id, { id, address, user: '', device: '', tenantId: '', startedAt: new Date(), socket, disconnect });
    return id;
  }

  loggedIn(sessionId: string, details: LoggedIn): void {
    const connection = this.connections.get(this.idOf(sessionId));
    if (connection) Object.assign(connection, details);
  }

  closed(sessionId: string): void {
    this.connections.delete(this.idOf(sessionId));
  }

  /** Ends one connection this process holds; false when it holds none by that id. */
  disconnect(connectionId: string, reason: string): boolean {
    const connection = this.connections.get(connectionId);
    if (!connection) return false;
    // Listed no more from now on, though its socket may take a moment to close.
    this.connections.delete(connectionId);
    connection.disconnect(reason);
    return true;
  }

  find(connectionId: string): LiveConnection | undefined {
    const connection = this.connections.get(connectionId);
    return connection ? toLive(connection) : undefined;
  }

  get size(): number {
    return this.connections.size;
  }

  snapshot(): LiveConnection[] {
    return [...this.connections.values()].map(toLive);
  }

  report(status: { listening: boolean; address: string; version: string }, now = Date.now()): GatewayProcessReport {
    return {
      status: {
        id: this.processId,
        hostname: hostname(),
        pid: process.pid,
        listening: status.listening,
        address: status.address,
        connectionCount: this.connections.size,
        startedAt: this.startedAt.toISOString(),
        uptimeSeconds: Math.round((now - this.startedAt.getTime()) / 1000),
        version: status.version,
      },
      connections: this.snapshot(),
    };
  }

  private idOf(sessionId: string): string {
    // The session id is 64 hex characters; a prefix is unique enough within one process and keeps ids readable.
    return `${this.processId}.${sessionId.slice(0, 16)}`;
  }
}

function toLive(connection: TrackedConnection): LiveConnection {
  return {
    id: connection.id,
    address: connection.address,
    user: connection.user,
    device: connection.device,
    tenantId: connection.tenantId,
    startedAt: connection.startedAt.toISOString(),
    bytesIn: connection.socket?.bytesRead ?? 0,
    bytesOut: connection.socket?.bytesWritten ?? 0,
  };
}
