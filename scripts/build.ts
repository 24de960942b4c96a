// `npm run build`: the `project-api-key-contract` bin as the package ships it, bundled by esbuild from src/
// into dist/: dist/cli/bin.js and the chunks it loads on demand (dist/chunks/), each command's modules and
// the run's later stages in chunks of their own, so a command still loads only what it uses. One file per
// group of modules instead of a hundred, without whitespace: Node resolves, reads and compiles far less,
// which is most of a run's start-up. Names are kept, so a stack trace still reads. fast-xml-parser is
// bundled; ajv and js-yaml are not (they load only for a document other than the shipped ones, whose
// validators ajv generated ahead: dist/generated/, copied from src/generated/), nor is the pact CLI.
import { cpSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const outdir = `${root}dist`;

// From clean: nothing of an earlier build (a chunk of another hash) can be left to be packed.
rmSync(outdir, { recursive: true, force: true });
const { metafile } = await build({
  absWorkingDir: root,
  entryPoints: { 'cli/bin': 'src/cli/bin.ts' },
  outdir,
  // Chunks sit two folders below the package root, like every source file: their
  // `new URL('../../schemas/...', import.meta.url)` still finds the document, the pact and package.json.
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20.19',
  // Not bundled: packages with binaries or loaded on purpose at run time only (see above).
  external: ['ajv', 'ajv-formats', 'js-yaml', '@pact-foundation/*'],
  minifyWhitespace: true,
  minifySyntax: true,
  metafile: true,
  logLevel: 'warning',
});
// Loaded by path at run time (src/openapi/validators.ts): the same place relative to the chunks as to src/.
cpSync(`${root}src/generated/validators`, `${outdir}/generated/validators`, { recursive: true });
const outputs = Object.keys(metafile.outputs);
process.stdout.write(
  `build: ${outputs.length} files in dist/ (${outputs.filter((o) => o.includes('/chunks/')).length} chunks)\n`,
);
