module.exports = require('../../../jest.preset.cjs')('public-keys', __dirname);
