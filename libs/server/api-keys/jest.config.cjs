module.exports = require('../../../jest.preset.cjs')('api-keys', __dirname);
