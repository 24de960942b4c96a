// `npm run build` compiles incrementally (`tsc -b`), which never deletes: the output of a source removed
// since the last build would stay in dist/ and be packed. This removes every output whose source is gone.
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const SOURCE_EXTENSIONS: Record<string, string[]> = {
  '.js': ['.ts', '.js'],
  '.mjs': ['.mts', '.mjs'],
  '.cjs': ['.cts', '.cjs'],
};

/** The outputs (paths relative to the out dir) that no source in `exists` (relative to the root dir) made. */
export const staleOutputs = (outputs: string[], exists: (source: string) => boolean): string[] =>
  outputs.filter((output) => {
    const extension = /\.[cm]?js$/.exec(output)?.[0];
    if (!extension) return false; // not an emitted file (the build info): tsc's own
    const stem = output.slice(0, -extension.length);
    return !(SOURCE_EXTENSIONS[extension] ?? []).some((source) => exists(stem + source));
  });

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [outDir = 'dist', rootDir = 'src'] = process.argv.slice(2);
  const outputs = readdirSync(outDir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(outDir, join(entry.parentPath, entry.name)));
  for (const stale of staleOutputs(outputs, (source) => existsSync(join(rootDir, source)))) {
    rmSync(join(outDir, stale));
    process.stdout.write(`removed ${join(outDir, stale)}: its source is gone\n`);
  }
}
