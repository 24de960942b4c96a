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

describe('the layers of src/ (.dependency-cruiser.cjs)', function () {
  this.timeout(60_000);
  const depcruise = (cwd: string) =>
    new Promise<{ code: number; output: string }>((resolve) => {
      execFile(
        process.execPath,
        [
          repoPath('node_modules/dependency-cruiser/bin/dependency-cruise.mjs'),
          'src',
          '--config',
          repoPath('.dependency-cruiser.cjs'),
        ],
        { cwd, maxBuffer: 16 * 1024 * 1024 },
        (error, stdout, stderr) =>
          resolve({ code: error ? Number(error.code ?? 1) : 0, output: stdout + stderr }),
      );
    });

  it('hold: no cycle, no upward or sideways import, no devDependency at run time', async () => {
    const { code, output } = await depcruise(repoPath('.'));
    expect(code, output).to.equal(0);
  });

  it('bite: a broken rule fails and names the import', async () => {
    const { mkdtempSync, mkdirSync, rmSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = mkdtempSync(join(tmpdir(), 'layers-'));
    try {
      const files: Record<string, string> = {
        'src/cli/bin.ts': "import '../conformance/run.ts';\n",
        'src/conformance/run.ts': "import '../report/write.ts';\n",
        'src/transport/send.ts': "import '../conformance/run.ts';\n",
        'src/report/write.ts': "import '../provider/app.ts';\n",
        'src/provider/app.ts': 'export const app = 1;\n',
        'src/lib/index.ts': "import '../cli/bin.ts';\n",
        'src/drift/compare.ts': "import '../lib/index.ts';\n",
        'src/text.ts': "import './client.ts';\n",
        'src/client.ts': "import './text.ts';\n",
        // pact/ is below the peers that share it: they may import it, it may not import them, nor may
        // anything below it import it.
        'src/contract/verifier.ts': "import '../pact/binary.ts';\n",
        'src/broker/pact-cli.ts': "import '../pact/binary.ts';\n",
        'src/pact/binary.ts': "import '../broker/credentials.ts';\n",
        'src/broker/credentials.ts': 'export const names = 1;\n',
        'src/transport/policy.ts': "import '../pact/binary.ts';\n",
      };
      for (const [name, text] of Object.entries(files)) {
        mkdirSync(join(dir, name, '..'), { recursive: true });
        writeFileSync(join(dir, name), text);
      }
      writeFileSync(
        join(dir, 'tsconfig.json'),
        '{"compilerOptions":{"allowImportingTsExtensions":true,"noEmit":true}}',
      );
      const { code, output } = await depcruise(dir);
      expect(code).not.to.equal(0);
      expect(output).to.match(
        /transport-imports-only-downward: src\/transport\/send\.ts → src\/conformance\/run\.ts/,
      );
      expect(output).to.match(/peers-stay-apart: src\/report\/write\.ts → src\/provider\/app\.ts/);
      expect(output).to.match(/leaves-imports-only-downward: src\/text\.ts → src\/client\.ts/);
      expect(output).to.match(/no-circular: src\/(text|client)\.ts/);
      // The two entries at the top: nothing imports the library, and it does not import the bin.
      expect(output).to.match(/nothing-imports-lib: src\/drift\/compare\.ts → src\/lib\/index\.ts/);
      expect(output).to.match(/nothing-imports-cli: src\/lib\/index\.ts → src\/cli\/bin\.ts/);
      expect(output).to.match(
        /pact-imports-only-downward: src\/pact\/binary\.ts → src\/broker\/credentials\.ts/,
      );
      expect(output).to.match(
        /transport-imports-only-downward: src\/transport\/policy\.ts → src\/pact\/binary\.ts/,
      );
      // The peers' own imports of pact/ break no rule.
      expect(output).not.to.match(/src\/(contract\/verifier|broker\/pact-cli)\.ts → src\/pact\//);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the test suite', () => {
  // The spec lists the slow files first, then globs for the rest: a new folder must not drop out unseen.
  it("mocha's spec takes every test file under test/, each once", async () => {
    const { createRequire } = await import('node:module');
    const { readdirSync, readFileSync } = await import('node:fs');
    const collectFiles = createRequire(import.meta.url)('mocha/lib/cli/collect-files.cjs') as (options: {
      spec: string[];
      extension: string[];
      ignore: string[];
      file: string[];
      recursive: boolean;
      sort: boolean;
    }) => { files: string[] };
    const { spec } = JSON.parse(readFileSync(repoPath('.mocharc.json'), 'utf8')) as { spec: string[] };
    const cwd = process.cwd();
    process.chdir(repoPath('.'));
    let files: string[];
    try {
      files = collectFiles({
        spec,
        extension: ['ts'],
        ignore: [],
        file: [],
        recursive: false,
        sort: false,
      }).files;
    } finally {
      process.chdir(cwd);
    }
    const onDisk = readdirSync(repoPath('test'), { recursive: true, encoding: 'utf8' })
      .filter((name) => name.endsWith('.test.ts'))
      .map((name) => repoPath(`test/${name}`));
    expect([...files].sort()).to.deep.equal([...onDisk].sort());
  });
});
