module.exports = require('../../../jest.preset.cjs')('listing', __dirname);
