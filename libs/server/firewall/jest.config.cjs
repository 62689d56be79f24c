module.exports = require('../../../jest.preset.cjs')('firewall', __dirname);
