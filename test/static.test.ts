import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { repoPath } from './helpers.ts';

// `npm test` is mocha, files in parallel: the type check and the lint run as tests beside the others
// instead of before them, and beside one another: each tool starts when the file's tests do, and each
// test awaits its own. The type check is incremental, its build info outside the checkout (the user's
// cache, one file per checkout path), so it outlives `npm ci` and `git clean`: unchanged sources cost a
// fraction. A fresh clone in a new folder checks everything once.

interface Ran {
  code: number;
  output: string;
}

function run(command: string, args: string[], cwd = repoPath('.')): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, output: stdout + stderr }),
    );
  });
}

/**
 * A tsconfig.json for `tsc -b` in the user's cache, one per checkout path: the checkout's own, with the
 * build info beside it. `tsc -b` skips a project whose files are unchanged without building a program
 * (half a second, where `tsc -p --incremental` takes seconds to parse everything first).
 */
function tscProject(): string {
  const cache = join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'project-api-key-contract');
  const checkout = createHash('sha256').update(repoPath('.')).digest('hex').slice(0, 16);
  const project = join(cache, `tsconfig-${checkout}.json`);
  mkdirSync(cache, { recursive: true });
  writeFileSync(
    project,
    `${JSON.stringify({
      extends: repoPath('tsconfig.json'),
      compilerOptions: {
        tsBuildInfoFile: `./tsc-${checkout}.tsbuildinfo`,
        // Type packages are looked up beside the config file: point at the checkout's.
        typeRoots: [repoPath('node_modules/@types')],
      },
    })}\n`,
  );
  return project;
}

function depcruise(cwd: string): Promise<Ran> {
  return run(
    process.execPath,
    [
      repoPath('node_modules/dependency-cruiser/bin/dependency-cruise.mjs'),
      'src',
      '--config',
      repoPath('.dependency-cruiser.cjs'),
    ],
    cwd,
  );
}

/** Each tool once, started by the first caller. */
const started = new Map<string, Promise<Ran>>();
function once(name: string, start: () => Promise<Ran>): Promise<Ran> {
  const running = started.get(name) ?? start();
  started.set(name, running);
  return running;
}
const typecheck = () =>
  once('tsc', () => run(process.execPath, [repoPath('node_modules/typescript/bin/tsc'), '-b', tscProject()]));
const lint = () => once('biome', () => run(repoPath('node_modules/.bin/biome'), ['check', '.']));
const layers = () => once('depcruise', () => depcruise(repoPath('.')));

before(() => {
  typecheck();
  lint();
  layers();
});

describe('the sources', function () {
  this.timeout(180_000);

  it('type-check: tsc over src, test and scripts', async () => {
    const { code, output } = await typecheck();
    expect(code, output).to.equal(0);
  });

  it('are linted and formatted: biome check', async () => {
    const { code, output } = await lint();
    expect(code, output).to.equal(0);
  });
});

describe('the layers of src/ (.dependency-cruiser.cjs)', function () {
  this.timeout(60_000);
  it('hold: no cycle, no upward or sideways import, no devDependency at run time', async () => {
    const { code, output } = await layers();
    expect(code, output).to.equal(0);
  });

  it('bite: a broken rule fails and names the import', async () => {
    const { mkdtempSync, mkdirSync, rmSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
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
        'src/core/text.ts': "import '../client/client.ts';\n",
        'src/client/client.ts': "import '../core/text.ts';\n",
        // core/ and secrets/ are one layer of leaves: they may import each other, nothing above.
        'src/secrets/redact.ts': "import '../core/json.ts';\n",
        'src/core/json.ts': "import '../secrets/forms.ts';\n",
        'src/secrets/forms.ts': "import '../openapi/document.ts';\n",
        'src/openapi/document.ts': 'export const document = 1;\n',
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
      expect(output).to.match(/leaves-imports-only-downward: src\/core\/text\.ts → src\/client\/client\.ts/);
      expect(output).to.match(/no-circular: src\/(core\/text|client\/client)\.ts/);
      expect(output).to.match(
        /leaves-imports-only-downward: src\/secrets\/forms\.ts → src\/openapi\/document\.ts/,
      );
      expect(output).not.to.match(/src\/(secrets\/redact|core\/json)\.ts → src\/(core|secrets)\//);
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

// What the house looks like from src/: every module in a named folder, and one name for one thing. Two
// modules may share a file name only when each says in its header that it plays the same role as the other.
function layoutFaults(files: readonly string[], header: (path: string) => string): string[] {
  const faults: string[] = [];
  const byName = new Map<string, string[]>();
  for (const path of files) {
    if (!path.includes('/')) faults.push(`src/${path} lies loose in src/: put it in a folder`);
    const name = path.slice(path.lastIndexOf('/') + 1);
    byName.set(name, [...(byName.get(name) ?? []), `src/${path}`]);
  }
  for (const [name, paths] of byName) {
    for (const path of paths.length > 1 ? paths : []) {
      const others = paths.filter((other) => other !== path && !header(path).includes(other));
      if (others.length > 0) faults.push(`${path} shares the name ${name} with ${others.join(', ')}`);
    }
  }
  return faults;
}

describe('the layout of src/', () => {
  const header = (path: string) =>
    readFileSync(repoPath(path), 'utf8')
      .split('\n')
      .filter((line) => line.startsWith('//'))
      .slice(0, 6)
      .join(' ');

  it('holds: nothing loose, no file name twice unless both headers say they are one role', () => {
    const files = readdirSync(repoPath('src'), { recursive: true, encoding: 'utf8' })
      .filter((path) => path.endsWith('.ts') && !path.startsWith('generated/'))
      .map((path) => path.replaceAll('\\', '/'));
    expect(files.length).to.be.above(150);
    expect(layoutFaults(files, header)).to.deep.equal([]);
  });

  it('bites: a loose file and a name used twice are each named', () => {
    const headers: Record<string, string> = {
      'src/a/index.ts': '// the same role src/b/index.ts plays',
      'src/b/index.ts': '// the same role src/a/index.ts plays',
      'src/a/text.ts': '// plain text',
      'src/b/text.ts': '// text reports',
    };
    const files = ['loose.ts', 'a/index.ts', 'b/index.ts', 'a/text.ts', 'b/text.ts'];
    expect(layoutFaults(files, (path) => headers[path] ?? '')).to.deep.equal([
      'src/loose.ts lies loose in src/: put it in a folder',
      'src/a/text.ts shares the name text.ts with src/b/text.ts',
      'src/b/text.ts shares the name text.ts with src/a/text.ts',
    ]);
  });
});
