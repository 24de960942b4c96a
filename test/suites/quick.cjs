// `npm run test:quick`: the unit tests, in one process, with child processes refused
// (no-child-processes.cjs): no command as a process, no broker, no pact CLI, no browser.
const { quick } = require('./lists.cjs');

module.exports = {
  ...require('../../.mocharc.cjs'),
  spec: quick,
  require: [require.resolve('./no-child-processes.cjs')],
  reporter: 'dot',
};
