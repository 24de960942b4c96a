import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { expect } from 'chai';
import { repoPath } from '../helpers.ts';

// The suites' lists are written out (test/suites/lists.cjs), so a test file nobody placed would not run:
// this test names it, and says where it goes. test:quick's guard (no-child-processes.cjs) is what keeps a
// file that starts processes out of the quick list; the bite below proves the guard refuses each call.

const require = createRequire(import.meta.url);
const LISTS = 'test/suites/lists.cjs';
const { quick, slow } = require('./lists.cjs') as { quick: string[]; slow: string[] };
const whole = require('./whole.cjs') as { spec: string[]; parallel: boolean };
const quickSuite = require('./quick.cjs') as { spec: string[]; require: string[] };

const onDisk = readdirSync(repoPath('test'), { recursive: true, encoding: 'utf8' })
  .filter((name) => name.endsWith('.test.ts'))
  .map((name) => `test/${name}`)
  .sort();

/** Where a file missing from the lists goes: the message a newcomer reads. */
const placeIt = (file: string): string =>
  `${file} is in no list of ${LISTS}, so npm test would not run it: add it to \`quick\` if it starts no ` +
  'process, broker or browser and waits on no timer, otherwise to `slow`';

describe('the test suites (test/suites/)', () => {
  it('every test file under test/ is in exactly one list, and every listed file exists', () => {
    const listed = [...quick, ...slow];
    const missing = onDisk.filter((file) => !listed.includes(file));
    expect(missing, missing.map(placeIt).join('\n')).to.deep.equal([]);
    const twice = listed.filter((file, index) => listed.indexOf(file) !== index);
    expect(twice, `listed more than once in ${LISTS}`).to.deep.equal([]);
    const gone = listed.filter((file) => !onDisk.includes(file));
    expect(gone, `listed in ${LISTS} but not on disk: remove or rename the entry`).to.deep.equal([]);
  });

  it('npm test runs every list, in parallel; test:quick runs the quick list, a part of it, with the guard', () => {
    expect([...whole.spec].sort()).to.deep.equal(onDisk);
    expect(whole.parallel).to.equal(true);
    expect(quickSuite.spec).to.deep.equal(quick);
    expect(quick.filter((file) => !whole.spec.includes(file))).to.deep.equal([]);
    expect(quick.length, 'test:quick holds at least a tenth of the files').to.be.greaterThan(
      onDisk.length / 10,
    );
    expect(quickSuite.require).to.deep.equal([require.resolve('./no-child-processes.cjs')]);
  });

  it('no quick file reaches for a broker: the harness may use one at a loopback URL without a process', () => {
    const reaching = quick.filter((file) =>
      /broker\/harness\.ts'/.test(readFileSync(repoPath(file), 'utf8')),
    );
    expect(reaching, `move these to \`slow\` in ${LISTS}`).to.deep.equal([]);
  });

  it("test:quick's guard refuses every way to start a process, for CommonJS and ES module callers", async () => {
    const childProcess = require('node:child_process') as Record<string, unknown>;
    const esm = (await import('node:child_process')) as unknown as Record<string, unknown>;
    const { syncBuiltinESMExports } = await import('node:module');
    const names = ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork'];
    const before = Object.fromEntries(names.map((name) => [name, childProcess[name]]));
    const guard = require.resolve('./no-child-processes.cjs');
    // Synchronous from here to the restore: no other test runs while the guard is in place.
    delete require.cache[guard];
    require(guard);
    try {
      for (const name of names) {
        for (const [caller, module] of [
          ['CommonJS', childProcess],
          ['ES module', esm],
        ] as const) {
          expect(() => (module[name] as (command: string) => unknown)('true'), `${caller} ${name}`).to.throw(
            new RegExp(`child_process\\.${name} was called: move this test file .*to \`slow\``),
          );
        }
      }
    } finally {
      Object.assign(childProcess, before);
      syncBuiltinESMExports();
      delete require.cache[guard];
    }
    expect(esm.spawn, 'restored').to.equal(before.spawn);
  });
});
