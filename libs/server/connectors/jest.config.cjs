module.exports = require('../../../jest.preset.cjs')('connectors', __dirname);
