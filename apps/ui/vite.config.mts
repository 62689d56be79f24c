import react from '@vitejs/plugin-react';
import { resolve } from 'node:path';
import { defineConfig } from 'vite';

// The UI talks to the API through the same origin; in development Vite proxies API paths to it.
// FLEETGATE_API_URL is read here, at build tooling level, not in application code.
const apiTarget = globalThis.process?.env['FLEETGATE_API_URL'] ?? 'http://127.0.0.1:8080';
// The gateway's HTTP side serves the web terminal's WebSocket (docs/web-terminal.md).
const gatewayTarget = globalThis.process?.env['FLEETGATE_GATEWAY_URL'] ?? 'http://127.0.0.1:8081';
const proxy = {
  '/api': apiTarget,
  '/info': apiTarget,
  '/healthcheck': apiTarget,
  '/ws/terminal': { target: gatewayTarget, ws: true },
};

export default defineConfig({
  root: __dirname,
  plugins: [react()],
  build: { outDir: '../../dist/apps/ui', emptyOutDir: true },
  // The protocol codec and the key signer are shared with the gateway (isomorphic, no Node built-ins).
  resolve: { alias: { '@fleetgate/contracts': resolve(__dirname, '../../libs/shared/contracts/src/index.ts') } },
  server: { proxy },
  preview: { proxy },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.spec.tsx', 'src/**/*.spec.ts'],
  },
});
