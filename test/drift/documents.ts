import type { OpenApiDocument, SchemaObject } from '../../src/openapi/document.ts';

// Small documents for the drift tests: one GET operation, its 200 body and statuses, stated as data.

export const OPERATION = 'GET:/things/{thing_id}';

export const query = (name: string, required: boolean) => ({
  name,
  in: 'query',
  required,
  schema: { type: 'integer' },
});

export interface DocumentParts {
  openapi?: '3.0.0' | '3.1.0';
  /** Default `/things/{thing_id}`. */
  path?: string;
  /** After the path parameters (one per template parameter, string, required). */
  parameters?: unknown[];
  /** Path-level parameters, for merging. */
  pathParameters?: unknown[];
  /** The 200 body's schema; default an empty object schema. */
  body?: unknown;
  /** Statuses documented besides 200. */
  statuses?: string[];
  /** Response headers by status (200 or one of `statuses`). */
  headers?: Record<string, Record<string, unknown>>;
  /** The operation's own security requirements; absent, the document's hold. */
  security?: unknown[];
  /** The document's top-level security requirements. */
  documentSecurity?: unknown[];
  components?: Record<string, SchemaObject>;
  /** Other sections of components: `securitySchemes`, `headers`, `parameters`. */
  sections?: Record<string, Record<string, unknown>>;
}

export const documentWith = (parts: DocumentParts = {}): OpenApiDocument => {
  const path = parts.path ?? '/things/{thing_id}';
  const pathParameters = [...path.matchAll(/\{([^}]+)\}/g)].map((match) => ({
    name: match[1],
    in: 'path',
    required: true,
    schema: { type: 'string' },
  }));
  const responses: Record<string, Record<string, unknown>> = {
    '200': {
      description: 'ok',
      content: { 'application/json': { schema: parts.body ?? { type: 'object', properties: {} } } },
    },
  };
  for (const status of parts.statuses ?? []) responses[status] = { description: `status ${status}` };
  for (const [status, headers] of Object.entries(parts.headers ?? {})) {
    (responses[status] as Record<string, unknown>).headers = headers;
  }
  return {
    openapi: parts.openapi ?? '3.0.0',
    info: { version: '1' },
    ...(parts.documentSecurity ? { security: parts.documentSecurity } : {}),
    paths: {
      [path]: {
        ...(parts.pathParameters ? { parameters: parts.pathParameters } : {}),
        get: {
          parameters: [...pathParameters, ...(parts.parameters ?? [])],
          responses,
          ...(parts.security ? { security: parts.security } : {}),
        },
      } as never,
    },
    components: { schemas: parts.components ?? {}, ...parts.sections },
  };
};

export type Fan = 'properties' | 'allOf' | 'anyOf' | 'items';

/**
 * A "billion laughs" of refs for the 200 body: levels F0..F(levels-1), each referring to the next twice
 * through `fan`; the last a string `leaf`. 30 levels stand for 2^30 schemas.
 */
export function fanOut(levels: number, fan: Fan, leaf: SchemaObject = { type: 'string' }): OpenApiDocument {
  const components: Record<string, SchemaObject> = {};
  for (let i = 0; i < levels; i++) {
    const next = () => ({ $ref: `#/components/schemas/F${i + 1}` });
    components[`F${i}`] =
      fan === 'properties'
        ? { type: 'object', properties: { a: next(), b: next() } }
        : fan === 'items'
          ? { type: 'object', properties: { a: { type: 'array', items: next() }, b: next() } }
          : { [fan]: [next(), { ...next(), description: 'the same again' }] };
  }
  components[`F${levels}`] = leaf;
  return documentWith({ body: { $ref: '#/components/schemas/F0' }, components });
}
