// The sessions benchmark runs under Jest only for its TypeScript compilation and path aliases; it prints figures and
// asserts nothing but that the run completed.
module.exports = {
  ...require('../../jest.preset.cjs')('bench-sessions', __dirname),
  testMatch: ['<rootDir>/**/*.bench.ts'],
  testTimeout: 1_800_000,
};
