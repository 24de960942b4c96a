import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';
import { CURRENT_SPEC_PATH, DEFAULT_SPEC_PATH } from './default-path.ts';
import { parseDocument } from './document.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The TypeScript openapi-typescript derives from each shipped document, and where `npm run types` writes it. */
export const GENERATED_TYPES = [
  { spec: DEFAULT_SPEC_PATH, path: fileURLToPath(new URL('../generated/openapi.ts', import.meta.url)) },
  {
    spec: CURRENT_SPEC_PATH,
    path: fileURLToPath(new URL('../generated/openai-openapi-f85dbe2.ts', import.meta.url)),
  },
] as const;

/** The seed's: the types every module of the suite uses (src/core/types.ts). */
export const GENERATED_TYPES_PATH = GENERATED_TYPES[0].path;

/** The TypeScript source openapi-typescript derives from the document. */
export const generateTypesSource = async (specPath: string = DEFAULT_SPEC_PATH): Promise<string> => {
  const document = parseDocument(readFileSync(specPath, 'utf8'), specPath);
  const ast = await openapiTS(document as unknown as Parameters<typeof openapiTS>[0]);
  const header = `// Generated from ${relative(ROOT, specPath)} by \`npm run types\`; do not edit. A test fails when it is stale.\n\n`;
  return header + astToString(ast);
};
