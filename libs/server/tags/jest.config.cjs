module.exports = require('../../../jest.preset.cjs')('tags', __dirname);
