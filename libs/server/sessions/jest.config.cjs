module.exports = require('../../../jest.preset.cjs')('sessions', __dirname);
