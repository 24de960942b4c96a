import { fileURLToPath } from 'node:url';

// Where the bundled OpenAPI document lives: a module of its own, so naming the default loads no YAML parser.

export const DEFAULT_SPEC_PATH = fileURLToPath(new URL('../../schemas/openapi.yaml', import.meta.url));
