import { readFileSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { GENERATED_TYPES, generateTypesSource } from '../openapi/types-source.ts';

// `npm run types` rewrites src/generated/openapi.ts (the seed's types) and the types of today's document
// beside it; `-- --check` only says whether they are current.
let stale = false;
for (const { spec, path } of GENERATED_TYPES) {
  const source = await generateTypesSource(spec);
  if (process.argv.includes('--check')) {
    if (readFileSync(path, 'utf8') !== source) {
      console.error(`${relative(process.cwd(), path)} is stale: run \`npm run types\``);
      stale = true;
    }
  } else {
    writeFileSync(path, source);
    console.log(`wrote ${path}`);
  }
}
if (stale) process.exit(1);
