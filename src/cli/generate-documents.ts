import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { GENERATED_DIR, generatedFiles, generatedFilesOnDisk } from '../openapi/generated-source.ts';

// `npm run documents` rewrites src/generated/documents.ts and src/generated/validators/; `-- --check` only
// says whether they are current.
const files = generatedFiles();
if (process.argv.includes('--check')) {
  if (!isDeepStrictEqual(generatedFilesOnDisk(), files)) {
    console.error('src/generated/ is stale: run `npm run documents`');
    process.exit(1);
  }
} else {
  rmSync(`${GENERATED_DIR}validators`, { recursive: true, force: true });
  mkdirSync(`${GENERATED_DIR}validators`);
  for (const [path, content] of files) writeFileSync(`${GENERATED_DIR}${path}`, content);
  console.log(`wrote ${[...files.keys()].map((path) => `src/generated/${path}`).join(', ')}`);
}
