module.exports = require('../../../jest.preset.cjs')('agent-ssh-server', __dirname);
