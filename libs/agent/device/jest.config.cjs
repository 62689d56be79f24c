module.exports = require('../../../jest.preset.cjs')('agent-device', __dirname);
