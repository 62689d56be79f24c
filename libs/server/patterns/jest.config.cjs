module.exports = require('../../../jest.preset.cjs')('patterns', __dirname);
