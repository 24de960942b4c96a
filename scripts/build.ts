// `npm run build`: the `project-api-key-contract` bin as the package ships it, bundled by esbuild from src/
// into dist/: dist/cli/bin.js and the chunks it loads on demand (dist/chunks/), each command's modules and
// the run's later stages in chunks of their own, so a command still loads only what it uses. One file per
// group of modules instead of a hundred: Node resolves, reads and compiles far fewer, which is most of a
// run's start-up. The packages the run uses (js-yaml, fast-xml-parser) are bundled; ajv is not (it is
// loaded only to compile a document other than the shipped ones), nor is the static pact CLI (a binary).
import { rmSync } from 'node:fs';
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
  external: ['ajv', 'ajv-formats', '@pact-foundation/*'],
  metafile: true,
  logLevel: 'warning',
});
const outputs = Object.keys(metafile.outputs);
process.stdout.write(
  `build: ${outputs.length} files in dist/ (${outputs.filter((o) => o.includes('/chunks/')).length} chunks)\n`,
);
