module.exports = require('../../../jest.preset.cjs')('devices', __dirname);
