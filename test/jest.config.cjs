// forceExit: these suites drive real processes and thousands of sockets; a handle a failed test leaves open must end
// in a red result, not in a CI run that never finishes.
module.exports = { ...require('../jest.preset.cjs')('e2e', __dirname), testTimeout: 120_000, forceExit: true };
