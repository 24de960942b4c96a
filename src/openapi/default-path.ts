import { fileURLToPath } from 'node:url';

// Where the bundled OpenAPI documents live: a module of its own, so naming them loads no YAML parser
// (the run's flags are checked before the verifier starts, and the parser loads after that).

export const DEFAULT_SPEC_PATH = fileURLToPath(new URL('../../schemas/openapi.yaml', import.meta.url));

/** Today's public document (OpenAPI 3.1, openai/openai-openapi at f85dbe2): what the real service serves. */
export const CURRENT_SPEC_PATH = fileURLToPath(
  new URL('../../schemas/openai-openapi-f85dbe2.yaml', import.meta.url),
);

/** The two versions of the document the project ships: the seed's (the contract) and today's. */
export const DOCUMENT_VERSIONS = { seed: DEFAULT_SPEC_PATH, current: CURRENT_SPEC_PATH } as const;
export type DocumentVersion = keyof typeof DOCUMENT_VERSIONS;
export const DOCUMENT_VERSION_NAMES = Object.keys(DOCUMENT_VERSIONS) as DocumentVersion[];

export function isDocumentVersion(name: string): name is DocumentVersion {
  return (DOCUMENT_VERSION_NAMES as string[]).includes(name);
}
