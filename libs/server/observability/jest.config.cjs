module.exports = require('../../../jest.preset.cjs')('observability', __dirname);
