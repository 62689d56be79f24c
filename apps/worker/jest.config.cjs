module.exports = require('../../jest.preset.cjs')('worker', __dirname);
