import { readFileSync, writeFileSync } from 'node:fs';
import { GENERATED_TYPES_PATH, generateTypesSource } from '../openapi/types-source.ts';

// `npm run types` rewrites src/generated/openapi.ts; `-- --check` only says whether it is current.
const source = await generateTypesSource();
if (process.argv.includes('--check')) {
  const current = readFileSync(GENERATED_TYPES_PATH, 'utf8');
  if (current !== source) {
    console.error('src/generated/openapi.ts is stale: run `npm run types`');
    process.exit(1);
  }
} else {
  writeFileSync(GENERATED_TYPES_PATH, source);
  console.log(`wrote ${GENERATED_TYPES_PATH}`);
}
