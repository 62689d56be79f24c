module.exports = require('../../../jest.preset.cjs')('namespaces', __dirname);
