// What every mocha run shares: TypeScript through tsx, a 20 s default timeout. No spec list here, so
// `npm run test:file -- test/x.test.ts` (or `npx mocha test/x.test.ts`) runs that file alone. The lists
// `npm test` and `npm run test:quick` run are in test/suites/.
module.exports = {
  'node-option': ['import=tsx', 'no-experimental-require-module'],
  extension: ['ts'],
  timeout: 20000,
  reporter: 'spec',
};
