import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
};

export interface UiServer {
  url: string;
  close(): Promise<void>;
}

/**
 * Serves the built UI (dist/apps/ui) the way deploy/nginx/ui.conf does: static files, index.html for client
 * routes, and the API's and gateway's paths proxied (WebSocket upgrades included), so the browser sees one origin.
 */
export async function startUiServer(options: { root: string; apiUrl: string; gatewayUrl: string; port: number }): Promise<UiServer> {
  const upstreamOf = (path: string): string | null => {
    if (path.startsWith('/api/') || path.startsWith('/admin/api/') || path === '/info' || path.startsWith('/info?') || path === '/healthcheck') return options.apiUrl;
    if (path.startsWith('/ws/') || path.startsWith('/agent/')) return options.gatewayUrl;
    return null;
  };
  const server: Server = createServer((incoming, outgoing) => {
    const path = incoming.url ?? '/';
    const upstream = upstreamOf(path);
    if (upstream) return proxy(incoming, outgoing, upstream);
    const pathname = decodeURIComponent(path.split('?')[0]);
    const file = normalize(join(options.root, pathname));
    const isAsset = file.startsWith(options.root) && existsSync(file) && statSync(file).isFile();
    if (!isAsset && pathname.startsWith('/assets/')) return void outgoing.writeHead(404).end();
    const served = isAsset ? file : join(options.root, 'index.html');
    outgoing.writeHead(200, { 'content-type': contentTypes[extname(served)] ?? 'application/octet-stream' });
    createReadStream(served).pipe(outgoing);
  });
  server.on('upgrade', (incoming: IncomingMessage, socket, head) => {
    const upstream = upstreamOf(incoming.url ?? '/');
    if (!upstream) return socket.destroy();
    const target = new URL(upstream);
    const link = connect(Number(target.port), target.hostname, () => {
      const headers = Object.entries(incoming.headers).map(([name, value]) => `${name}: ${String(value)}`);
      link.write(`${incoming.method} ${incoming.url} HTTP/1.1\r\n${headers.join('\r\n')}\r\n\r\n`);
      link.write(head);
      socket.pipe(link).pipe(socket);
    });
    link.on('error', () => socket.destroy());
    socket.on('error', () => link.destroy());
  });
  await new Promise<void>((resolve) => server.listen(options.port, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function proxy(incoming: IncomingMessage, outgoing: import('node:http').ServerResponse, upstream: string): void {
  const target = new URL(upstream);
  const forwarded = request(
    {
      host: target.hostname,
      port: target.port,
      method: incoming.method,
      path: incoming.url,
      headers: { ...incoming.headers, host: target.host },
    },
    (answer) => {
      outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(outgoing);
    },
  );
  forwarded.on('error', (error) => {
    if (!outgoing.headersSent) outgoing.writeHead(502, { 'content-type': 'text/plain' });
    outgoing.end(`upstream error: ${error.message}`);
  });
  incoming.pipe(forwarded);
}
