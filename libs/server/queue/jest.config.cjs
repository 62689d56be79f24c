module.exports = require('../../../jest.preset.cjs')('queue', __dirname);
