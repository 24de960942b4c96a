// `npm run build`: the `project-api-key-contract` bin as the package ships it, bundled by esbuild from src/
// into dist/cli/: bin.js (the command table) and one file per command, which bin.js imports only when that
// command runs. A command's file holds all it may use, the parts it loads lazily (the reference provider,
// the broker client, the reports) evaluated only when it does load them. One file per command instead
// of a hundred modules, without whitespace: Node resolves, reads and compiles far less, which is most of a
// run's start-up. Names are kept, so a stack trace still reads. fast-xml-parser and fast-check are bundled;
// ajv, js-yaml and re2js are not (they load only for a document other than the shipped ones, whose
// validators ajv generated ahead: dist/generated/, copied from src/generated/; re2js only for a document's
// patterns), nor is the pact CLI (a binary).
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const outdir = `${root}dist`;

// The command modules, as the table in src/cli/commands.ts imports them: `load: () => import('./x.ts')`.
const table = readFileSync(`${root}src/cli/commands.ts`, 'utf8');
const commands = [...table.matchAll(/import\('\.\/([\w-]+)\.ts'\)/g)].map(([, name]) => name as string);
if (commands.length === 0) throw new Error('build: no command modules found in src/cli/commands.ts');

/** The table's imports stay imports, of each command's own file beside bin.js. */
const commandsApart: Plugin = {
  name: 'commands-apart',
  setup(esbuild) {
    esbuild.onResolve({ filter: /^\.\/[\w-]+\.ts$/ }, ({ path, importer, kind }) => {
      const name = path.slice(2, -3);
      if (
        kind !== 'dynamic-import' ||
        !importer.endsWith('/src/cli/commands.ts') ||
        !commands.includes(name)
      ) {
        return undefined;
      }
      return { path: `./${name}.js`, external: true };
    });
  },
};

// From clean: nothing of an earlier build can be left to be packed.
rmSync(outdir, { recursive: true, force: true });
const { metafile } = await build({
  absWorkingDir: root,
  // Every file two folders below the package root, like every source file: their
  // `new URL('../../schemas/...', import.meta.url)` still finds the document, the pact and package.json.
  entryPoints: Object.fromEntries(['bin', ...commands].map((name) => [`cli/${name}`, `src/cli/${name}.ts`])),
  outdir,
  bundle: true,
  // CommonJS: Node loads a CommonJS file and the builtins it requires without the ESM loader's module
  // jobs and builtin facades, about 20 ms of a run's start here. dist/package.json says so to Node.
  format: 'cjs',
  define: { 'import.meta.url': 'import_meta_url' },
  banner: { js: 'var import_meta_url=require("node:url").pathToFileURL(__filename).href;' },
  supported: { 'dynamic-import': false },
  platform: 'node',
  target: 'node20.19',
  external: ['ajv', 'ajv-formats', 'js-yaml', 're2js', '@pact-foundation/*'],
  plugins: [commandsApart],
  minifyWhitespace: true,
  minifySyntax: true,
  metafile: true,
  logLevel: 'warning',
});
writeFileSync(`${outdir}/package.json`, '{ "type": "commonjs" }\n');
// Loaded by path at run time (src/openapi/validators.ts): the same place relative to the bundle as to src/.
cpSync(`${root}src/generated/validators`, `${outdir}/generated/validators`, { recursive: true });
const outputs = Object.entries(metafile.outputs).map(
  ([path, { bytes }]) => `${path} (${Math.round(bytes / 1024)} KB)`,
);
process.stdout.write(`build: ${outputs.join(', ')}\n`);
