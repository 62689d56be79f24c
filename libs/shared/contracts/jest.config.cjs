module.exports = require('../../../jest.preset.cjs')('contracts', __dirname);
