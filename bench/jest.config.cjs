// The smoke test of every benchmark (issue 14): each runs once with tiny sizes and must print its figures and write
// its JSON. The benchmarks themselves run under their own configs (bench/*/jest.config.cjs) and assert nothing.
module.exports = {
  ...require('../jest.preset.cjs')('bench', __dirname),
  testMatch: ['<rootDir>/smoke/**/*.spec.ts'],
  testTimeout: 240_000,
  forceExit: true,
};
