import { createServer, type AddressInfo, type Server as NetServer, type Socket } from 'node:net';
import type { Server } from 'ssh2';

/**
 * The gateway's TCP listener, with host keys that change without a restart. ssh2 fixes a server's host keys when it
 * is built, so each set of keys gets its own (never listening) ssh2 `Server`, and each accepted socket is handed to
 * the current one (`injectSocket`). A connection keeps the server, and the key, it started with: rotating keys
 * leaves live sessions alone.
 */
export class ReloadableSshListener {
  private readonly tcp: NetServer;
  private current?: Server;
  private readonly sockets = new Map<string, Socket>();

  /** `build` makes the ssh2 server for a set of private keys, with the connection handler attached. */
  constructor(private readonly build: (hostKeys: string[]) => Server) {
    this.tcp = createServer((socket) => this.accept(socket));
  }

  /** Builds the first server; the listener starts only once there is a key to offer. */
  async listen(port: number, host: string, hostKeys: string[]): Promise<void> {
    this.reload(hostKeys);
    await new Promise<void>((resolve, reject) => {
      this.tcp.once('error', reject);
      this.tcp.listen(port, host, () => {
        this.tcp.off('error', reject);
        resolve();
      });
    });
  }

  /** New connections get these keys from now on. Refuses an empty set: no client could connect. */
  reload(hostKeys: string[]): void {
    if (hostKeys.length === 0) throw new Error('the gateway has no enabled host key');
    this.current = this.build(hostKeys);
  }

  /**
   * Hands a connection made inside the process (the web terminal's loopback) to the current server, like an
   * accepted socket.
   */
  inject(socket: Socket): void {
    if (!this.current) throw new Error('the gateway has no enabled host key');
    this.current.injectSocket(socket);
  }

  /** The socket of a connection ssh2 reported (`info.ip`, `info.port`), for byte counts. */
  socketOf(ip: string, port: number): Socket | undefined {
    return this.sockets.get(`${ip}|${port}`);
  }

  address(): AddressInfo | null {
    return this.tcp.address() as AddressInfo | null;
  }

  get listening(): boolean {
    return this.tcp.listening;
  }

  /** Stops accepting; resolves when every connection has closed. */
  close(): Promise<void> {
    return new Promise((resolve) => this.tcp.close(() => resolve()));
  }

  private accept(socket: Socket): void {
    const server = this.current;
    if (!server) {
      socket.destroy();
      return;
    }
    const key = `${socket.remoteAddress}|${socket.remotePort}`;
    this.sockets.set(key, socket);
    socket.once('close', () => {
      if (this.sockets.get(key) === socket) this.sockets.delete(key);
    });
    server.injectSocket(socket);
  }
}
