module.exports = require('../../../jest.preset.cjs')('auth', __dirname);
