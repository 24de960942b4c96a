import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { expect } from 'chai';
import { COMMANDS as TABLE } from '../src/cli/commands.ts';
import { PACT_FILE_NAME } from '../src/contract/pact-file.ts';
import { GENERATED_DOCUMENTS } from '../src/generated/documents.ts';
import type { ConformanceResult } from '../src/report/conformance-result.ts';
import { REPORT_FILES } from '../src/report/files.ts';
import { repoPath } from './helpers.ts';

// The package as another repository gets it: built, packed, installed from the tarball into an empty
// folder, and run there with npx. No network: the install is `npm ci --offline` from a lockfile written
// for that folder out of this repository's own lockfile, so every tarball comes from the npm cache that
// `npm ci` filled here (a plain `npm install x.tgz --offline` would need registry metadata npm ci never
// fetched).

interface Lockfile {
  packages: Record<string, LockEntry>;
}
interface LockEntry {
  version?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  [field: string]: unknown;
}
interface PackageJson {
  name: string;
  version: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, unknown>;
  bin?: Record<string, string>;
  engines?: Record<string, string>;
  exports?: Record<string, unknown>;
}

/** Where Node finds `name` from the package at `from` (a lockfile path, '' for the root). */
const resolveIn = (entries: Lockfile['packages'], from: string, name: string): string | undefined => {
  for (let base = from; ; ) {
    const path = `${base ? `${base}/` : ''}node_modules/${name}`;
    if (entries[path]) return path;
    if (!base) return undefined;
    const parent = base.lastIndexOf('/node_modules/');
    base = parent < 0 ? '' : base.slice(0, parent);
  }
};

/**
 * A lockfile for a folder that depends on the tarball (as `spec`) and on `others` of this repository's
 * own packages (a consumer project's test tools): the tarball's entry, then every package the
 * dependencies reach, copied with their paths from this repository's lockfile (where they sit at the same
 * top level they will in the folder).
 */
const lockfileForTarball = (
  repoLock: Lockfile,
  pkg: PackageJson,
  tarball: string,
  root: { name: string; spec: string; devDependencies?: Record<string, string> } = {
    name: 'installed-elsewhere',
    spec: `file:${tarball}`,
  },
): Lockfile => {
  const { spec } = root;
  const integrity = `sha512-${createHash('sha512').update(readFileSync(tarball)).digest('base64')}`;
  const packages: Lockfile['packages'] = {
    '': {
      name: root.name,
      dependencies: { [pkg.name]: spec },
      ...(root.devDependencies && { devDependencies: root.devDependencies }),
    },
    [`node_modules/${pkg.name}`]: {
      version: pkg.version,
      resolved: spec,
      integrity,
      dependencies: pkg.dependencies,
      optionalDependencies: pkg.optionalDependencies,
      bin: pkg.bin,
      engines: pkg.engines,
      peerDependencies: pkg.peerDependencies,
      peerDependenciesMeta: pkg.peerDependenciesMeta,
    },
  };
  const queue: [string, Record<string, string> | undefined][] = [
    ['', { ...pkg.dependencies, ...pkg.optionalDependencies, ...root.devDependencies }],
  ];
  for (let next = queue.pop(); next; next = queue.pop()) {
    const [from, dependencies] = next;
    for (const name of Object.keys(dependencies ?? {})) {
      const path = resolveIn(repoLock.packages, from, name);
      if (!path || packages[path]) continue; // an optional one for another platform, or already taken
      const entry = repoLock.packages[path] as LockEntry;
      packages[path] = entry;
      queue.push([path, { ...entry.dependencies, ...entry.optionalDependencies }]);
    }
  }
  return { name: root.name, lockfileVersion: 3, requires: true, packages } as Lockfile;
};

/**
 * The environment of a person's shell: none of npm's per-script settings, no TypeScript loader; and
 * npm's weekly check for a newer npm off, so nothing here leaves loopback.
 */
const cleanEnv = (): NodeJS.ProcessEnv => ({
  npm_config_update_notifier: 'false',
  // pact-js (examples/consumer's) reports usage over the network unless told not to.
  PACT_DO_NOT_TRACK: 'true',
  ...Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) =>
        !(name.startsWith('npm_') && name !== 'npm_config_cache') &&
        name !== 'NODE_OPTIONS' &&
        name !== 'OPENAI_ADMIN_KEY' &&
        name !== 'GITHUB_STEP_SUMMARY',
    ),
  ),
});

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}
const run = (command: string, args: string[], cwd: string): Promise<Ran> =>
  new Promise((resolve) => {
    execFile(command, args, { cwd, env: cleanEnv(), maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
const ok = (ran: Ran, what: string): Ran => {
  expect(ran.code, `${what}\n${ran.stdout}\n${ran.stderr}`).to.equal(0);
  return ran;
};

const BIN = 'project-api-key-contract';
// The table as built: the four this package started with, and any registered since.
const COMMANDS = Object.keys(TABLE);

/** `npm ci --offline` in `folder`, from the lockfile written for it: every tarball from the npm cache. */
const installOffline = async (folder: string, lock: Lockfile, manifest: Record<string, unknown>) => {
  writeFileSync(join(folder, 'package.json'), JSON.stringify(manifest));
  writeFileSync(join(folder, 'package-lock.json'), JSON.stringify(lock));
  ok(
    await run('npm', ['ci', '--offline', '--ignore-scripts', '--no-audit', '--no-fund'], folder),
    `npm ci --offline from the npm cache in ${folder}`,
  );
};

describe('the packed package, installed into an empty folder', function () {
  this.timeout(180_000);
  const scratch = mkdtempSync(join(tmpdir(), 'package-'));
  const folder = join(scratch, 'elsewhere');
  // The tarball where `npm pack` leaves it, at the root of a copy of the repository's layout, so
  // examples/consumer's `file:../../<tarball>` finds it as it would in a checkout.
  const packRoot = join(scratch, 'checkout');
  const consumer = join(packRoot, 'examples', 'consumer');
  let packed: { filename: string; files: { path: string }[] };
  let consumerInstalled: Promise<void> | undefined;
  after(async () => {
    await consumerInstalled?.catch(() => undefined);
    rmSync(scratch, { recursive: true, force: true });
  });

  before(async () => {
    // `npm run build`'s script, without npm's and tsx's own start-up around it.
    ok(await run(process.execPath, ['--import', 'tsx', 'scripts/build.ts'], repoPath('.')), 'npm run build');
    mkdirSync(packRoot);
    const pack = ok(
      await run('npm', ['pack', '--json', '--pack-destination', packRoot], repoPath('.')),
      'npm pack',
    );
    [packed] = JSON.parse(pack.stdout);
    const tarball = join(packRoot, packed.filename);
    const pkg = JSON.parse(readFileSync(repoPath('package.json'), 'utf8')) as PackageJson;
    const repoLock = JSON.parse(readFileSync(repoPath('package-lock.json'), 'utf8')) as Lockfile;
    const lock = lockfileForTarball(repoLock, pkg, tarball);
    const root = lock.packages[''] as LockEntry;
    mkdirSync(folder);
    cpSync(repoPath('examples/consumer'), consumer, {
      recursive: true,
      filter: (source) => !/[\\/](node_modules|build)$/.test(source),
    });
    const example = JSON.parse(readFileSync(join(consumer, 'package.json'), 'utf8')) as PackageJson;
    // The example's install is started here and awaited by its own test: the other tests need only the
    // folder's, and the two overlap (each is mostly waiting on the disk).
    consumerInstalled = installOffline(
      consumer,
      lockfileForTarball(repoLock, pkg, tarball, {
        name: example.name,
        spec: example.dependencies?.[pkg.name] ?? '',
        devDependencies: example.devDependencies,
      }),
      example as unknown as Record<string, unknown>,
    );
    consumerInstalled.catch(() => undefined); // awaited, and reported, by the example's test
    await installOffline(folder, lock, { name: root.name, private: true, dependencies: root.dependencies });
  });

  it('ships the bundled CLI and library, the document, the report schema and the pact; no TypeScript but the declarations, no tests', () => {
    const files = packed.files.map((f) => f.path);
    expect(files).to.include.members([
      'package.json',
      'README.md',
      'dist/cli/bin.js',
      'schemas/openapi.yaml',
      'schemas/conformance-report.schema.json',
      'contracts/project-api-key-client-openai-admin-api.json',
    ]);
    const declarations = files.filter((f) => /^dist\/lib\/types\/.+\.d\.ts$/.test(f));
    expect(files.filter((f) => /\.[cm]?ts$/.test(f) && !declarations.includes(f))).to.deep.equal([]);
    expect(files.filter((f) => /^(src|test|scripts)\//.test(f))).to.deep.equal([]);
    // dist/ is the bundle and nothing else: the bin and a file per command it loads, every one reachable,
    // the shipped documents' generated validators, which the bundle loads by name, and the package.json
    // that tells Node the bundle is CommonJS.
    const dist = files.filter((f) => f.startsWith('dist/') && f !== 'dist/package.json');
    expect(files).to.include('dist/package.json');
    expect(
      JSON.parse(readFileSync(join(folder, 'node_modules', BIN, 'dist/package.json'), 'utf8')),
    ).to.deep.equal({
      type: 'commonjs',
    });
    const generated = Object.values(GENERATED_DOCUMENTS).flatMap(({ validators }) =>
      ['full', 'quick'].map((variant) => `dist/generated/validators/${validators}.${variant}.cjs`),
    );
    expect(dist).to.include.members(generated);
    const bundle = dist.filter(
      (f) => !generated.includes(f) && !declarations.includes(f) && f !== 'dist/lib/package.json',
    );
    expect(bundle.filter((f) => !/^dist\/(cli|lib)\/[\w-]+\.js$/.test(f))).to.deep.equal([]);
    const reached = new Set<string>();
    const follow = (file: string) => {
      if (reached.has(file)) return;
      reached.add(file);
      const text = readFileSync(join(folder, 'node_modules', BIN, file), 'utf8');
      for (const [, target] of text.matchAll(/(?:from|import\(|require\()\s*"(\.{1,2}\/[^"]+)"/g)) {
        follow(join(dirname(file), target as string));
      }
    };
    // Every file of the bundle is reached from the bin or from an entry point of package.json `exports`,
    // each of which names its ESM file and the declarations TypeScript generated for it.
    follow('dist/cli/bin.js');
    const pkg = JSON.parse(readFileSync(repoPath('package.json'), 'utf8')) as PackageJson;
    const entries = Object.entries(pkg.exports ?? {}).filter(([name]) => name !== './package.json');
    expect(entries.map(([name]) => name)).to.deep.equal(['.', './chai']);
    for (const [, entry] of entries) {
      const { types, import: module } = entry as { types: string; import: string };
      follow(module.slice(2));
      expect(declarations).to.include(types.slice(2));
      expect(readFileSync(join(folder, 'node_modules', BIN, types), 'utf8')).to.match(
        /^export declare function /m,
      );
    }
    expect([...reached].sort()).to.deep.equal([...bundle].sort());
    expect(
      JSON.parse(readFileSync(join(folder, 'node_modules', BIN, 'dist/lib/package.json'), 'utf8')),
    ).to.deep.equal({
      type: 'module',
    });
  });

  it('installs what a run needs: no TypeScript tooling, and neither what is bundled nor pact-js', () => {
    const modules = join(folder, 'node_modules');
    expect(existsSync(join(modules, '.bin', BIN)), 'the bin is linked').to.equal(true);
    // fast-xml-parser is inside the bundle; pact-js was never needed to run (the static pact CLI
    // verifies): the runs below pass without them.
    for (const tool of [
      'tsx',
      'typescript',
      'mocha',
      'chai',
      '@biomejs/biome',
      'esbuild',
      'fast-xml-parser',
      '@pact-foundation/pact',
    ]) {
      expect(existsSync(join(modules, tool)), tool).to.equal(false);
    }
    // js-yaml and ajv parse and compile a document other than the shipped ones, re2js runs its patterns
    // and pact-check's regexes; the pact CLI verifies.
    for (const needed of ['js-yaml', 'ajv', 'ajv-formats', 're2js', '@pact-foundation/pact-cli']) {
      expect(existsSync(join(modules, needed)), needed).to.equal(true);
    }
  });

  // npx for the run, as a person would; the rest call the bin npm linked, to spare an npm start-up each.
  const bin = () => join(folder, 'node_modules', '.bin', BIN);

  it('--help lists the subcommands; an unknown one exits 2 with one line', async () => {
    const help = ok(await run(bin(), ['--help'], folder), '--help');
    expect(COMMANDS).to.include.members(['conformance', 'validate', 'spec-lint', 'provider']);
    for (const command of COMMANDS) expect(help.stdout).to.match(new RegExp(`^  ${command} `, 'm'));
    // Every command's own file loads from the installed package (--help, or a usage error where a
    // command takes no --help: never an internal error).
    for (const ran of await Promise.all(COMMANDS.map((command) => run(bin(), [command, '--help'], folder)))) {
      expect(ran.code, ran.stderr).to.be.oneOf([0, 2]);
      expect(ran.stderr).not.to.match(/internal error/);
    }
    const unknown = await run(bin(), ['conformence'], folder);
    expect(unknown.code).to.equal(2);
    expect(unknown.stderr.trim().split('\n')).to.deep.equal([
      `${BIN}: unknown command "conformence" (commands: ${COMMANDS.join(', ')}; see --help)`,
    ]);
  });

  it('npx conformance verifies the bundled reference provider and writes four reports here', async () => {
    const ran = await run('npx', ['--offline', BIN, 'conformance'], folder);
    expect(ran.code, ran.stdout + ran.stderr).to.equal(0);
    const reports = join(folder, 'reports');
    expect(readdirSync(reports)).to.have.members(Object.values(REPORT_FILES));
    const result = JSON.parse(readFileSync(join(reports, REPORT_FILES.json), 'utf8')) as ConformanceResult;
    expect(result.verdict).to.equal('pass');
    // The document and the pact are the ones inside the installed package (reports show paths relative).
    expect(result.spec.path).to.equal(`node_modules/${BIN}/schemas/openapi.yaml`);
    expect(result.pacts.map((p) => p.path)).to.deep.equal([
      `node_modules/${BIN}/contracts/${PACT_FILE_NAME}`,
    ]);
  });

  it('validate and spec-lint run from the installed package', async () => {
    const body = join(folder, 'body.json');
    writeFileSync(body, '{"object":"organization.project.api_key"}');
    // Another text of the document: not one the build generated validators for, so ajv compiles it.
    const other = join(folder, 'other.yaml');
    writeFileSync(other, `${readFileSync(repoPath('schemas/openapi.yaml'), 'utf8')}\n# another text\n`);
    const [invalid, compiled, lint] = await Promise.all([
      run(bin(), ['validate', '--schema', 'ProjectApiKey', body], folder),
      run(bin(), ['validate', '--schema', 'ProjectApiKey', '--spec', other, body], folder),
      run(bin(), ['spec-lint'], folder),
    ]);
    expect(invalid.code, invalid.stderr).to.equal(1);
    expect(invalid.stdout).to.match(/required property "id" is missing/);
    expect(compiled.code, compiled.stderr).to.equal(1);
    expect(compiled.stdout).to.equal(invalid.stdout);
    expect(lint.code, lint.stderr).to.equal(1); // the seed's own example lacks owner.user.added_at
    expect(lint.stdout).to.match(/1 of \d+ examples invalid/);
  });

  it('examples/consumer passes its own npm test from the tarball: tsc --strict, then mocha + chai + pact-js', async function () {
    this.timeout(240_000);
    await consumerInstalled;
    expect(JSON.parse(readFileSync(join(consumer, 'package.json'), 'utf8')).dependencies).to.deep.equal({
      [BIN]: `file:../../${packed.filename}`,
    });
    const ran = await run('npm', ['test'], consumer);
    expect(ran.code, ran.stdout + ran.stderr).to.equal(0);
    expect(ran.stdout).to.match(/\b5 passing\b/);
    expect(ran.stdout).not.to.match(/failing|pending/);
  });
});
