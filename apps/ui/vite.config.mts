import react from '@vitejs/plugin-react';
import { resolve } from 'node:path';
import { defineConfig, type ProxyOptions } from 'vite';

// The UI talks to the API and the gateway through its own origin, as nginx serves it in production
// (deploy/nginx/ui.conf); `vite` and `vite preview` proxy the same paths. These variables are read here, at
// build-tooling level, not in application code.
const apiTarget = globalThis.process?.env['FLEETGATE_API_URL'] ?? 'http://127.0.0.1:8080';
const gatewayTarget = globalThis.process?.env['FLEETGATE_GATEWAY_URL'] ?? 'http://127.0.0.1:8081';

const proxy: Record<string, ProxyOptions> = {
  '/api': { target: apiTarget, ws: true, xfwd: true },
  // Instance administration (docs/gateway-administration.md); the API checks the client address, hence xfwd.
  '/admin/api/': { target: apiTarget, xfwd: true },
  '/info': { target: apiTarget, xfwd: true },
  '/healthcheck': { target: apiTarget },
  // The gateway's HTTP side: agents' tunnels and the browser's terminal WebSockets.
  '/agent': { target: gatewayTarget, ws: true },
  '/ws': { target: gatewayTarget, ws: true },
};

export default defineConfig({
  root: __dirname,
  plugins: [react()],
  build: { outDir: '../../dist/apps/ui', emptyOutDir: true, chunkSizeWarningLimit: 1500 },
  // The protocol codec and the key signer are shared with the gateway (isomorphic, no Node built-ins).
  resolve: { alias: { '@fleetgate/contracts': resolve(__dirname, '../../libs/shared/contracts/src/index.ts') } },
  server: { proxy },
  preview: { proxy },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.spec.tsx', 'src/**/*.spec.ts'],
  },
});
