module.exports = require('../../../jest.preset.cjs')('geoip', __dirname);
