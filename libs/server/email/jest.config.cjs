module.exports = require('../../../jest.preset.cjs')('email', __dirname);
