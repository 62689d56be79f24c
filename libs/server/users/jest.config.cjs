module.exports = require('../../../jest.preset.cjs')('users', __dirname);
