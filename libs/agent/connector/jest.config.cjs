module.exports = require('../../../jest.preset.cjs')('agent-connector', __dirname);
