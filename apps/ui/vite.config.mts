import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The UI talks to the API through the same origin; in development Vite proxies API paths to it.
// FLEETGATE_API_URL is read here, at build tooling level, not in application code.
const apiTarget = globalThis.process?.env['FLEETGATE_API_URL'] ?? 'http://127.0.0.1:8080';

export default defineConfig({
  root: __dirname,
  plugins: [react()],
  build: { outDir: '../../dist/apps/ui', emptyOutDir: true },
  server: { proxy: { '/api': apiTarget, '/info': apiTarget, '/healthcheck': apiTarget } },
  preview: { proxy: { '/api': apiTarget, '/info': apiTarget, '/healthcheck': apiTarget } },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.spec.tsx', 'src/**/*.spec.ts'],
  },
});
