// Shared Jest settings: SWC compiles TypeScript (with decorator metadata, which NestJS needs) and the Nx
// resolver maps the @fleetgate/* path aliases. Type checking is the `typecheck` target's job, not Jest's.
const path = require('node:path');

module.exports = (displayName, projectRoot) => ({
  displayName,
  rootDir: projectRoot,
  testEnvironment: 'node',
  testMatch: ['<rootDir>/**/*.spec.ts', '<rootDir>/**/*.int-spec.ts', '<rootDir>/**/*.e2e-spec.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  resolver: '@nx/jest/plugins/resolver',
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
          target: 'es2022',
        },
        module: { type: 'commonjs' },
        sourceMaps: 'inline',
      },
    ],
  },
  // Integration tests share one database server and Redis; one file at a time per project keeps 2 cores responsive.
  maxWorkers: 1,
  testTimeout: 30_000,
  globalSetup: path.join(__dirname, 'tools/jest/global-setup.cjs'),
});
