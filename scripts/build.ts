// `npm run build`: the `project-api-key-contract` bin as the package ships it, bundled by esbuild from src/
// into dist/cli/: bin.js (the command table) and one file per command, which bin.js imports only when that
// command runs. A command's file holds all it may use, the parts it loads lazily (the reference provider,
// the broker client, the reports) evaluated only when it does load them. One file per command instead
// of a hundred modules, without whitespace: Node resolves, reads and compiles far less, which is most of a
// run's start-up. Names are kept, so a stack trace still reads. fast-xml-parser and fast-check are bundled;
// ajv, js-yaml and re2js are not (they load only for a document other than the shipped ones, whose
// validators ajv generated ahead: dist/generated/, copied from src/generated/; re2js only for a document's
// patterns and pact-check's regexes), nor is the pact CLI (a binary).
//
// The library, `import ... from 'project-api-key-contract'` and `.../chai`, is bundled apart into dist/lib/
// as ES modules (dist/lib/package.json says so), its two entry points sharing their code in chunks, with
// the `.d.ts` TypeScript emits from their sources in dist/lib/types/ (scripts/library-declarations.ts).
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Metafile, type Plugin } from 'esbuild';
import { libraryDeclarations } from './library-declarations.ts';

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

/** Dependencies loaded from node_modules, not bundled: see the header. */
const EXTERNAL = ['ajv', 'ajv-formats', 'js-yaml', 're2js', '@pact-foundation/*'];

/** The library's entry points, as package.json `exports` names them. */
const LIBRARY = { index: 'src/lib/index.ts', chai: 'src/lib/chai.ts' };

/** dist/lib/: the entry points and their shared chunks as ES modules, and their declarations. */
async function buildLibrary(): Promise<Metafile> {
  const result = await build({
    absWorkingDir: root,
    // Two folders below the package root, like the bin's files and the sources: the same relative URLs work.
    entryPoints: Object.fromEntries(Object.entries(LIBRARY).map(([name, path]) => [`lib/${name}`, path])),
    outdir,
    bundle: true,
    splitting: true,
    chunkNames: 'lib/chunk-[hash]',
    format: 'esm',
    platform: 'node',
    target: 'node20.19',
    external: EXTERNAL,
    minifyWhitespace: true,
    minifySyntax: true,
    metafile: true,
    logLevel: 'warning',
  });
  writeFileSync(`${outdir}/lib/package.json`, '{ "type": "module" }\n');
  for (const [path, text] of libraryDeclarations(
    `${root}src`,
    Object.values(LIBRARY).map((p) => root + p),
  )) {
    mkdirSync(dirname(`${outdir}/lib/types/${path}`), { recursive: true });
    writeFileSync(`${outdir}/lib/types/${path}`, text);
  }
  return result.metafile;
}

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
  external: EXTERNAL,
  plugins: [commandsApart],
  minifyWhitespace: true,
  minifySyntax: true,
  metafile: true,
  logLevel: 'warning',
});
writeFileSync(`${outdir}/package.json`, '{ "type": "commonjs" }\n');
// Loaded by path at run time (src/openapi/validators.ts): the same place relative to the bundle as to src/.
cpSync(`${root}src/generated/validators`, `${outdir}/generated/validators`, { recursive: true });
const library = await buildLibrary();
const outputs = Object.entries({ ...metafile.outputs, ...library.outputs }).map(
  ([path, { bytes }]) => `${path} (${Math.round(bytes / 1024)} KB)`,
);
process.stdout.write(`build: ${outputs.join(', ')}\n`);
