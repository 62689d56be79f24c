// Module boundaries (docs/conventions.md): apps depend only on libs, libs never on apps, and each tag dimension
// limits what a project may import. `nx graph` shows the result.
import nx from '@nx/eslint-plugin';

const rawClientImports = ['mongoose', '@nestjs/mongoose', 'ioredis'];
const rawClientMessage =
  'Reach the database through @fleetgate/data-access repositories and Redis through @fleetgate/queue; raw clients live only in the data-access, queue and testing libs.';

const serverOnlyImports = ['ssh2', 'bullmq', 'ioredis', 'mongoose', '@nestjs/*', 'node:*', 'fs', 'child_process'];

export default [
  {
    ignores: ['**/node_modules/**', '**/dist/**', '**/.nx/**', '**/.data/**', '**/coverage/**', '**/__fixtures__/**', '**/vite.config.mts'],
  },
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  {
    files: ['**/*.ts', '**/*.tsx', '**/*.js', '**/*.cjs', '**/*.mjs'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: true,
          banTransitiveDependencies: false,
          allow: [],
          // data-access's integration specs use the testing lib, which builds on data-access: a test-only cycle.
          ignoredCircularDependencies: [['data-access', 'testing']],
          depConstraints: [
            // Direct dependencies only (onlyDependOn is not transitive): an app may not import the testing lib or an app.
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:feature', 'type:data-access', 'type:util', 'type:contract'] },
            { sourceTag: 'type:feature', onlyDependOnLibsWithTags: ['type:feature', 'type:data-access', 'type:util', 'type:contract'] },
            { sourceTag: 'type:data-access', onlyDependOnLibsWithTags: ['type:data-access', 'type:util', 'type:contract'] },
            { sourceTag: 'type:util', onlyDependOnLibsWithTags: ['type:util', 'type:contract'] },
            { sourceTag: 'type:contract', onlyDependOnLibsWithTags: ['type:contract'] },
            { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['*'] },
            { sourceTag: 'platform:web', onlyDependOnLibsWithTags: ['platform:web', 'platform:isomorphic'], bannedExternalImports: serverOnlyImports },
            { sourceTag: 'platform:isomorphic', onlyDependOnLibsWithTags: ['platform:isomorphic'], bannedExternalImports: serverOnlyImports },
            // The agent ships to edge devices: it stays small and never pulls in server code.
            { sourceTag: 'scope:agent', onlyDependOnLibsWithTags: ['scope:agent', 'scope:shared'] },
            { sourceTag: 'scope:ui', onlyDependOnLibsWithTags: ['scope:ui', 'scope:shared'] },
            { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
            { sourceTag: 'scope:server', onlyDependOnLibsWithTags: ['scope:server', 'scope:shared'] },
            { sourceTag: 'scope:api', onlyDependOnLibsWithTags: ['scope:server', 'scope:shared'] },
            { sourceTag: 'scope:ssh', onlyDependOnLibsWithTags: ['scope:server', 'scope:shared'] },
            { sourceTag: 'scope:worker', onlyDependOnLibsWithTags: ['scope:server', 'scope:shared'] },
          ],
        },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: "MemberExpression[object.name='process'][property.name='env']",
          message: 'Read configuration through @fleetgate/config, validated once at start-up.',
        },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
    },
  },
  {
    // Raw database and Redis clients stay behind the data-access, queue and testing libs: a feature lib or an app that
    // opened its own connection or injected a raw model would skip the tenant-scoped repositories. Type-only imports
    // stay allowed, because a type cannot open a connection: feature libs declare the Redis client the queue lib
    // injects (REDIS_CONNECTION) as ioredis' `Redis`, and int-specs name mongoose's `Model`.
    files: ['**/*.ts', '**/*.tsx', '**/*.js', '**/*.cjs', '**/*.mjs'],
    ignores: ['libs/server/data-access/**', 'libs/server/queue/**', 'libs/server/testing/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: rawClientImports.map((name) => ({ name, message: rawClientMessage, allowTypeImports: true })),
          patterns: [{ group: rawClientImports.map((name) => `${name}/*`), message: rawClientMessage, allowTypeImports: true }],
        },
      ],
    },
  },
  {
    // Tests may use the testing lib, which non-test code may not.
    files: ['**/*.spec.ts', '**/*.int-spec.ts', 'test/**/*.ts', 'bench/**/*.ts', 'apps/*/src/testing/**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: true,
          allow: [],
          ignoredCircularDependencies: [['data-access', 'testing']],
          depConstraints: [
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:feature', 'type:data-access', 'type:util', 'type:contract', 'type:testing'] },
            { sourceTag: '*', onlyDependOnLibsWithTags: ['*'] },
          ],
        },
      ],
    },
  },
  {
    // Benchmarks start the platform with the e2e harness (test/src/support): one way to start it, shared by relative
    // import because the e2e project is not a library.
    files: ['bench/**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: true,
          allow: ['../../test/src/support/*'],
          ignoredCircularDependencies: [['data-access', 'testing']],
          depConstraints: [{ sourceTag: '*', onlyDependOnLibsWithTags: ['*'] }],
        },
      ],
    },
  },
  {
    // The one place that reads the environment, and build tooling that runs outside the apps.
    // Benchmarks are tools too: their sizes come from the environment they run in (bench/README.md).
    files: ['libs/shared/config/src/**/*.ts', 'tools/**/*', 'scripts/**/*', 'bench/**/*', 'jest.preset.cjs', '**/jest.config.cjs'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    files: ['**/*.cjs', 'scripts/**/*.js'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', module: 'writable', __dirname: 'readonly', process: 'readonly', console: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
];
