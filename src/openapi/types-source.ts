import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';
import { DEFAULT_SPEC_PATH } from './default-path.ts';
import { parseDocument } from './document.ts';

export const GENERATED_TYPES_PATH = fileURLToPath(new URL('../generated/openapi.ts', import.meta.url));

const HEADER =
  '// Generated from schemas/openapi.yaml by `npm run types`; do not edit. A test fails when it is stale.\n\n';

/** The TypeScript source openapi-typescript derives from the document. */
export const generateTypesSource = async (specPath: string = DEFAULT_SPEC_PATH): Promise<string> => {
  const document = parseDocument(readFileSync(specPath, 'utf8'), specPath);
  const ast = await openapiTS(document as unknown as Parameters<typeof openapiTS>[0]);
  return HEADER + astToString(ast);
};
