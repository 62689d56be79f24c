module.exports = require('../../../jest.preset.cjs')('recordings', __dirname);
