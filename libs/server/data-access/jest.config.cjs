module.exports = require('../../../jest.preset.cjs')('data-access', __dirname);
