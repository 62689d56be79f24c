module.exports = require('../../jest.preset.cjs')('workspace-checks', __dirname);
