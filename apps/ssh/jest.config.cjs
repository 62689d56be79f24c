module.exports = require('../../jest.preset.cjs')('ssh', __dirname);
