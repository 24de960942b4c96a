// Loaded by `npm run test:quick` only: the quick suite is the unit tests, so a test there that starts a
// process (a command as a process, the Pact Broker, the pact CLI, a browser) fails at once, naming the
// call, instead of slowing the inner loop unseen. Such a file belongs in the slow list (test/suites/lists.cjs).
const childProcess = require('node:child_process');
const { syncBuiltinESMExports } = require('node:module');

for (const name of ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork']) {
  childProcess[name] = function refused() {
    throw new Error(
      `test:quick starts no child process, but child_process.${name} was called: ` +
        'move this test file from `quick` to `slow` in test/suites/lists.cjs',
    );
  };
}
// ES modules' `import { spawn } from 'node:child_process'` see the stand-ins too.
syncBuiltinESMExports();
