module.exports = require('../../../jest.preset.cjs')('tunnel', __dirname);
