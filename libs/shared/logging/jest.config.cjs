module.exports = require('../../../jest.preset.cjs')('logging', __dirname);
