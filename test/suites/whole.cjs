// `npm test`: every test file, in parallel. The slow list goes first, longest first, so the longest
// chains start at once; the quick list fills the gaps.
const { quick, slow } = require('./lists.cjs');

module.exports = {
  ...require('../../.mocharc.cjs'),
  spec: [...slow, ...quick],
  parallel: true,
  jobs: 3,
};
