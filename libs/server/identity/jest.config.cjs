module.exports = require('../../../jest.preset.cjs')('identity', __dirname);
