import { execFile } from 'node:child_process';
import { expect } from 'chai';
import { repoPath } from './helpers.ts';

// `npm test` is mocha, files in parallel: the type check and the lint run as tests beside the others
// instead of before them. The type check is incremental (tsc -b): unchanged sources cost a fraction.

const run = (command: string, args: string[]) =>
  new Promise<{ code: number; output: string }>((resolve) => {
    execFile(command, args, { cwd: repoPath('.'), maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, output: stdout + stderr }),
    );
  });

describe('the sources', function () {
  this.timeout(180_000);

  it('type-check: tsc over src, test and scripts', async () => {
    const { code, output } = await run(process.execPath, [repoPath('node_modules/typescript/bin/tsc'), '-b']);
    expect(code, output).to.equal(0);
  });

  it('are linted and formatted: biome check', async () => {
    const { code, output } = await run(repoPath('node_modules/.bin/biome'), ['check', '.']);
    expect(code, output).to.equal(0);
  });
});
