module.exports = { ...require('../jest.preset.cjs')('e2e', __dirname), testTimeout: 120_000 };
