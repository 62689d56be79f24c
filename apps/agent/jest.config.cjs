module.exports = require('../../jest.preset.cjs')('agent', __dirname);
