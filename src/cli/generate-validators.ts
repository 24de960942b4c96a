import { readFileSync, writeFileSync } from 'node:fs';
import { GENERATED_VALIDATORS_PATH, generateValidatorsSource } from '../openapi/validators-source.ts';

// `npm run validators` rewrites src/generated/validators.ts; `-- --check` only says whether it is current.
const source = generateValidatorsSource();
if (process.argv.includes('--check')) {
  if (readFileSync(GENERATED_VALIDATORS_PATH, 'utf8') !== source) {
    console.error('src/generated/validators.ts is stale: run `npm run validators`');
    process.exit(1);
  }
} else {
  writeFileSync(GENERATED_VALIDATORS_PATH, source);
  console.log(`wrote ${GENERATED_VALIDATORS_PATH}`);
}
